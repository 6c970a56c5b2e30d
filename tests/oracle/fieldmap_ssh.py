# SPDX-License-Identifier: BSD-3-Clause
"""tshark field map for SSH's transport: the identification line ("sshbanner"), the binary packets in clear
("sshkexinit", "sshnewkeys", and "ssh" for the rest) and the encrypted ones ("sshencrypted", whose one field
tshark splits into the encrypted length and the rest).

tshark tells a packet in clear from an encrypted one by the connection's state (has NEWKEYS gone by, in
which direction); a packet view has only its bytes and tells them apart by their lengths (layers/app/ssh.c).
Both agree where tshark saw the connection start; RULES name the rest."""
from oracle_fields import field

TSHARK_PROTOS = ["ssh"]

CLEAR = ("ssh", "sshkexinit", "sshnewkeys")
NAME_LISTS = ["kex_algorithms", "server_host_key_algorithms", "encryption_algorithms_client_to_server",
              "encryption_algorithms_server_to_client", "mac_algorithms_client_to_server",
              "mac_algorithms_server_to_client", "compression_algorithms_client_to_server",
              "compression_algorithms_server_to_client", "languages_client_to_server",
              "languages_server_to_client"]


def hex32(v, _l):
    return "%08x" % int(v)


MAP = {
    "ssh.protocol": field("sshbanner", "protocol"),
    "ssh.packet_length": field(CLEAR, "packet_length"),
    "ssh.padding_length": field(CLEAR, "padding_length"),
    "ssh.message_code": field(CLEAR, "msg_code"),
    "ssh.cookie": field("sshkexinit", "cookie"),
    "ssh.first_kex_packet_follows": field("sshkexinit", "first_kex_packet_follows"),
    "ssh.kex.reserved": field("sshkexinit", "reserved", conv=hex32),
    "ssh.padding_string": field(CLEAR, "padding_string"),
    "ssh.payload": field("ssh", "payload"),
    "ssh.packet_length_encrypted": field("sshencrypted", "encrypted_packet", conv=lambda v, _l: v[:8],
                                         when=lambda l: len(l.get("encrypted_packet", "")) >= 8),
    "ssh.encrypted_packet": field("sshencrypted", "encrypted_packet", conv=lambda v, _l: v[8:],
                                  when=lambda l: len(l.get("encrypted_packet", "")) > 8),
}
for name in NAME_LISTS:
    # tshark -T fields prints nothing for an empty name-list (the languages, usually)
    MAP["ssh." + name] = field("sshkexinit", name, when=lambda l, n=name: l.get(n, "") != "")
    MAP["ssh." + name + "_length"] = field("sshkexinit", name + "_length")

V1 = ("SSH version 1 sessions (SSH-1.5 identification lines) in this capture: tshark reads their packets as "
      "version 1's (length, padding, type, data, CRC) because it saw the identification; a packet view sees "
      "only the packet, and a version 1 packet whose length passes version 2's checks (about one in 11) is "
      "read as version 2's, with the first padding byte as its padding length")
FILE_DIFFERENCES = {f: {"zeek/ssh__ssh.pcap": V1} for f in ("ssh.padding_length", "ssh.message_code", "ssh.payload",
                                                            "ssh.packet_length", "ssh.padding_string")}
