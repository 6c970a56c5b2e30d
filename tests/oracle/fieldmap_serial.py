# SPDX-License-Identifier: BSD-3-Clause
"""tshark field map for serial links: Cisco HDLC and SLARP (its request, reply and keepalive bodies are
sub-layers, chosen by the type)."""
from oracle_fields import field

# tshark protocols (index.tsv `protocols`) whose files this map is compared on.
TSHARK_PROTOS = ["chdlc", "slarp"]

MAP = {
    "chdlc.address": field("chdlc", "address"),
    "chdlc.control": field("chdlc", "control"),
    "chdlc.protocol": field("chdlc", "proto"),
    "slarp.ptype": field("slarp", "type"),
    "slarp.address": field("slarpaddress", "address"),
    "slarp.netmask": field("slarpaddress", "mask"),
    "slarp.mysequence": field("slarpkeepalive", "mysequence"),
    "slarp.yoursequence": field("slarpkeepalive", "yoursequence"),
    "slarp.reliability": field("slarpkeepalive", "reliability"),
}
