/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Direction (pypacker's is_direction), reversing addresses, and whether one packet answers another.
 * The engine walks both packets' layer stacks side by side; each protocol's hooks judge one layer.
 */
#include "internal.h"

unsigned
pkt_direction(struct pkt *a, struct pkt *b)
{
        unsigned dir = PKT_DIR_SAME | PKT_DIR_REV;
        bool is_judged = false;

        if (!a || !b)
                return PKT_DIR_UNKNOWN;
        for (unsigned i = 0; pkt_layer(a, i) && pkt_layer(b, i); i++) {
                const struct pkt_layer *la = &a->layers[i], *lb = &b->layers[i];
                const struct pkt_proto *pr = proto_of(la->proto);
                struct pkt_view va, vb;

                if (la->proto != lb->proto)
                        break;
                if (!pr->direction || la->hdr_len < pr->min_hdr_len || lb->hdr_len < pr->min_hdr_len)
                        continue;
                pkt_view_of(a, i, &va);
                pkt_view_of(b, i, &vb);
                dir &= pr->direction(&va, &vb);
                is_judged = true;
        }
        return is_judged ? dir : PKT_DIR_UNKNOWN;
}

int
pkt_reverse_address(struct pkt *p)
{
        pkt_assert_return(p, -EINVAL);
        if (!(p->flags & (PKT_F_OWNED | PKT_F_WRITABLE)))
                return -EROFS;
        pkt_dissect_all(p);
        for (unsigned i = 0; i < p->n_layers; i++) {
                struct pkt_layer *l = &p->layers[i];
                const struct pkt_proto *pr = proto_of(l->proto);
                if (!pr->reverse || l->hdr_len < pr->min_hdr_len)
                        continue;
                pr->reverse(p->data + l->off, l->hdr_len);
                /* Addresses feed pseudo-header sums; ports feed the layer's own checksum. */
                l->flags |= PKT_LAYER_DIRTY | PKT_LAYER_DIRTY_PSEUDO;
        }
        return 0;
}

/*
 * Walks both stacks while the protocols agree, asking each layer's answers hook. Where they part (an
 * ICMP error where the request had TCP), the reply's layer decides: its hook looks at what it quotes.
 */
bool
pkt_answers(struct pkt *request, struct pkt *reply)
{
        bool is_judged = false;

        if (!request || !reply)
                return false;
        for (unsigned i = 0; pkt_layer(request, i) && pkt_layer(reply, i); i++) {
                const struct pkt_layer *lq = &request->layers[i], *lp = &reply->layers[i];
                const struct pkt_proto *pq = proto_of(lq->proto), *pp = proto_of(lp->proto);

                if (lq->proto != lp->proto)
                        return pp->answers ? pp->answers(request, i, reply, i) : is_judged;
                if (!pq->answers || lq->hdr_len < pq->min_hdr_len || lp->hdr_len < pp->min_hdr_len)
                        continue;
                if (!pq->answers(request, i, reply, i))
                        return false;
                is_judged = true;
        }
        return is_judged;
}
