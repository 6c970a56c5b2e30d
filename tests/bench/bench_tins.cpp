/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The libtins 4.0 contender, behind a C interface so that the benchmarks themselves stay C. Each
 * function does what a libtins user would write for the same job; see bench_tins.h.
 */
#include <cstring>
#include <vector>

#include <tins/tins.h>

#include "bench_tins.h"

namespace {

void
work_on(Tins::PDU &pdu, struct bench_work *w)
{
        if (const Tins::TCP *tcp = pdu.find_pdu<Tins::TCP>()) {
                w->tcp++;
                w->port_sum += tcp->sport() + tcp->dport();
                return;
        }
        const Tins::UDP *udp = pdu.find_pdu<Tins::UDP>();
        if (!udp)
                return;
        w->udp++;
        w->port_sum += udp->sport() + udp->dport();
        if (udp->sport() != 53 && udp->dport() != 53)
                return;
        const Tins::RawPDU *raw = udp->find_pdu<Tins::RawPDU>();
        if (!raw)
                return;
        try {
                /* libtins leaves UDP payloads raw: DNS is parsed from them on request. */
                Tins::DNS dns(raw->payload().data(), (uint32_t)raw->payload().size());
                w->dns++;
                w->dns_records += dns.questions_count() + dns.answers_count() + dns.authority_count() +
                                  dns.additional_count();
        } catch (const Tins::exception_base &) {
        }
}

} // namespace

extern "C" void
tins_parse_all(const struct bench_rec *recs, size_t n, struct bench_work *w)
{
        for (size_t i = 0; i < n; i++) {
                try {
                        Tins::EthernetII eth(recs[i].data, recs[i].caplen);
                        work_on(eth, w);
                } catch (const Tins::exception_base &) {
                }
        }
}

extern "C" int
tins_read_file(const char *path, struct bench_work *w, size_t *ret_n)
{
        size_t n = 0;

        try {
                Tins::FileSniffer sniffer(path);
                sniffer.sniff_loop([&](Tins::PDU &pdu) {
                        n++;
                        work_on(pdu, w);
                        return true;
                });
        } catch (const Tins::exception_base &) {
                return -1;
        } catch (const std::exception &) {
                return -1;
        }
        *ret_n = n;
        return 0;
}

static const Tins::HWAddress<6> eth_dst("00:00:5e:00:53:01"), eth_src("00:00:5e:00:53:02");

extern "C" uint64_t
tins_craft(size_t n, uint8_t *last, size_t *last_len)
{
        static const uint8_t payload[BENCH_CRAFT_PAYLOAD] = { 0 };
        uint64_t acc = 0;

        for (size_t i = 0; i < n; i++) {
                Tins::IP ip(Tins::IPv4Address(BENCH_CRAFT_IP_DST), Tins::IPv4Address(BENCH_CRAFT_IP_SRC));
                ip.ttl(64);
                ip.id(0);
                ip.flags(Tins::IP::DONT_FRAGMENT);
                Tins::TCP tcp(BENCH_CRAFT_DPORT, (uint16_t)(BENCH_CRAFT_SPORT_BASE + (i & 0x3ff)));
                tcp.seq((uint32_t)i);
                tcp.ack_seq(1);
                tcp.flags(Tins::TCP::PSH | Tins::TCP::ACK);
                tcp.window(8192);
                Tins::EthernetII eth =
                        Tins::EthernetII(eth_dst, eth_src) / ip / tcp / Tins::RawPDU(payload, sizeof(payload));
                Tins::PDU::serialization_type buf = eth.serialize();
                acc += buf[buf.size() - BENCH_CRAFT_PAYLOAD - 4] << 8 | buf[buf.size() - BENCH_CRAFT_PAYLOAD - 3];
                if (i + 1 == n && last) {
                        *last_len = buf.size();
                        std::memcpy(last, buf.data(), buf.size());
                }
        }
        return acc;
}
