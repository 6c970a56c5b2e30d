# SPDX-License-Identifier: BSD-3-Clause
"""tshark field map for 802.1X: EAPOL ("eapol"), its key descriptors ("eapolkey" for RSN and WPA, whose fields
tshark calls wlan_rsna_eapol.*, and "eapolrc4key"), the key data in the clear ("eapolkeydata": 802.11
elements), and EAP ("eap", with a body sub-layer per method, whose first field is the method's type)."""
from oracle_fields import elems, field, layers_named, tshark_text

# tshark protocols (index.tsv `protocols`) whose files this map is compared on.
TSHARK_PROTOS = ["eapol"]
# tshark lists neither the key descriptors nor EAP in frame.protocols after eapol; its fields are asked in
# files with eapol. (EAP inside RADIUS's EAP-Message attributes, the files that list "eap", stays bytes.)
FIELD_PROTO = {"wlan_rsna_eapol": "eapol", "eap": "eapol"}

EAP_BODIES = ("eapidentity", "eapnak", "eapmd5", "eaptls", "eapsim", "eapleap", "eapexpanded", "eapmethod")
KEY = "eapolkey"
RC4 = "eapolrc4key"


def text(v, _l):
    return tshark_text(v)


def nak_types(pkt):
    """eap.desired_type: each byte of a Nak's list."""
    return [int(h[i:i + 2], 16) for l in layers_named(pkt, "eapnak")
            for h in [l.get("desired_auth_types", "")] for i in range(0, len(h), 2)]


def identities(pkt):
    """eap.identity: an Identity body's (tshark shows none when it is empty), and an EAP-SIM/AKA
    AT_IDENTITY attribute's."""
    out = []
    for l in pkt["layers"]:
        if l.get("layer") == "eapidentity" and l.get("identity"):
            out.append(tshark_text(l["identity"]))
        for e in l.get("attributes", []) if l.get("layer") == "eapsim" else []:
            if "identity" in e:
                out.append(tshark_text(e["identity"]))
    return out


def sim(key):
    return elems("eapsim", ("attributes",), key)


MAP = {
    "eapol.version": field("eapol", "version"),
    "eapol.type": field("eapol", "type"),
    "eapol.len": field("eapol", "len"),
    "eapol.keydes.type": field((KEY, RC4), "key_descriptor_type"),
    "eapol.keydes.key_len": field((KEY, RC4), "key_length"),
    "eapol.keydes.replay_counter": field((KEY, RC4), "key_replay_counter"),
    "eapol.keydes.key_iv": field((KEY, RC4), "key_iv"),
    "wlan_rsna_eapol.keydes.key_info": field(KEY, "key_info"),
    "wlan_rsna_eapol.keydes.key_info.keydes_version": field(KEY, "key_descriptor_type_version"),
    "wlan_rsna_eapol.keydes.key_info.key_type": field(KEY, "key_type"),
    "wlan_rsna_eapol.keydes.key_info.key_index": field(KEY, "key_index"),
    "wlan_rsna_eapol.keydes.key_info.install": field(KEY, "install"),
    "wlan_rsna_eapol.keydes.key_info.key_ack": field(KEY, "key_ack"),
    "wlan_rsna_eapol.keydes.key_info.key_mic": field(KEY, "has_key_mic"),
    "wlan_rsna_eapol.keydes.key_info.secure": field(KEY, "secure"),
    "wlan_rsna_eapol.keydes.key_info.error": field(KEY, "error"),
    "wlan_rsna_eapol.keydes.key_info.request": field(KEY, "request"),
    "wlan_rsna_eapol.keydes.key_info.encrypted_key_data": field(KEY, "encrypted_key_data"),
    "wlan_rsna_eapol.keydes.key_info.smk_message": field(KEY, "smk_message"),
    "wlan_rsna_eapol.keydes.nonce": field(KEY, "key_nonce"),
    "wlan_rsna_eapol.keydes.rsc": field(KEY, "key_rsc"),
    "wlan_rsna_eapol.keydes.id": field(KEY, "key_id"),
    "wlan_rsna_eapol.keydes.mic": field(KEY, "key_mic"),
    "wlan_rsna_eapol.keydes.data_len": field(KEY, "key_data_length"),
    "eapol.keydes.key_index": field(RC4, "key_index"),
    "eapol.keydes.key_index.type": field(RC4, "unicast"),
    "eapol.keydes.key_index.number": field(RC4, "index"),
    "eapol.keydes.key_signature": field(RC4, "key_signature"),
    "eapol.keydes.key": field(RC4, "key"),
    "eap.code": field("eap", "code"),
    "eap.id": field("eap", "id"),
    "eap.len": field("eap", "len"),
    "eap.type": field(EAP_BODIES, "type"),
    "eap.identity": identities,
    "eap.identity.actual_len": sim("actual_length"),
    "eap.desired_type": nak_types,
    "eap.md5.value_size": field("eapmd5", "value_size"),
    "eap.md5.value": field("eapmd5", "value"),
    "eap.md5.extra_data": field("eapmd5", "optional_name", when=lambda l: l.get("optional_name")),
    "eap.tls.flags": field("eaptls", "flags"),
    "eap.tls.flags.len_included": field("eaptls", "len_included"),
    "eap.tls.flags.more_fragments": field("eaptls", "more_fragments"),
    "eap.tls.flags.start": field("eaptls", "start"),
    "eap.tls.len": field("eaptls", "tls_message_len"),
    "eap.sim.subtype": field("eapsim", "subtype"),
    "eap.sim.reserved": field("eapsim", "reserved"),
    "eap.sim.subtype.type": sim("type"),
    "eap.sim.subtype.value": sim("value"),
    "eap.sim.subtype.len": sim("len"),
    "eap.leap.version": field("eapleap", "version"),
    "eap.leap.reserved": field("eapleap", "unused"),
    "eap.leap.count": field("eapleap", "count"),
    "eap.leap.peer_challenge": field("eapleap", "challenge_response"),
    "eap.leap.name": field("eapleap", "username", conv=text),
    "eap.ext.vendor_id": field("eapexpanded", "vendor_id"),
    "eap.ext.vendor_type": field("eapexpanded", "vendor_type"),
}
