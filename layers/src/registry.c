/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The protocol registry: protocol ids to descriptors, and (key space, value) to the protocol a value
 * selects. libpkt's only mutable global state: written before main() for the built-ins and by
 * pkt_proto_register()/pkt_key_register() at start-up, read-only afterwards.
 */
#include <string.h>
#include <strings.h>

#include "builtin.h"
#include "internal.h"

const struct pkt_proto *pkt_protos[PKT_PROTO_MAX];
static unsigned next_user_id = PKT_PROTO_BUILTIN_MAX;

/* Values below 2^16 (ethertypes, ports, IP protocols, link types) index a direct table: a lookup on the
 * parse path is one load. The tables are BSS, so untouched pages cost nothing. Wider values (SNAP OUI +
 * PID, SCTP PPIDs) are rare and go to a short list. */
#define KEY_WIDE_MAX 128u

uint16_t pkt_key_direct[_PKT_KEY_MAX][PKT_KEY_DIRECT_MAX];

static struct {
        uint8_t space;
        uint32_t value;
        uint16_t proto;
} key_wide[KEY_WIDE_MAX];
static unsigned n_key_wide;

unsigned
pkt_key_lookup(enum pkt_key_space space, uint32_t value)
{
        if ((unsigned)space >= _PKT_KEY_MAX)
                return PKT_PROTO_NONE;
        if (value < PKT_KEY_DIRECT_MAX)
                return pkt_key_direct[space][value];
        for (unsigned i = 0; i < n_key_wide; i++)
                if (key_wide[i].space == space && key_wide[i].value == value)
                        return key_wide[i].proto;
        return PKT_PROTO_NONE;
}

int
pkt_key_register(enum pkt_key_space space, uint32_t value, unsigned id)
{
        pkt_assert_return((unsigned)space < _PKT_KEY_MAX, -EINVAL);
        pkt_assert_return(id < PKT_PROTO_MAX && pkt_protos[id], -EINVAL);

        if (value < PKT_KEY_DIRECT_MAX) {
                pkt_key_direct[space][value] = (uint16_t)id;
                return 0;
        }
        for (unsigned i = 0; i < n_key_wide; i++)
                if (key_wide[i].space == space && key_wide[i].value == value) {
                        key_wide[i].proto = (uint16_t)id;
                        return 0;
                }
        if (n_key_wide == KEY_WIDE_MAX)
                return -ENOSPC;
        key_wide[n_key_wide].space = (uint8_t)space;
        key_wide[n_key_wide].value = value;
        key_wide[n_key_wide].proto = (uint16_t)id;
        n_key_wide++;
        return 0;
}

int
pkt_carrier_key(unsigned proto, enum pkt_key_space space, uint32_t *ret)
{
        const struct pkt_proto *pr = proto_of(proto);

        if (!pr || !pr->carriers)
                return -ENOENT;
        for (const struct pkt_key *k = pr->carriers; k->space != _PKT_KEY_MAX; k++)
                if (k->space == space && k->value != PKT_KEY_GUESSED) {
                        *ret = k->value;
                        return 0;
                }
        return -ENOENT;
}

static bool
name_matches(const struct pkt_proto *pr, const char *name)
{
        if (strcasecmp(pr->name, name) == 0)
                return true;
        for (const char *const *a = pr->aliases; a && *a; a++)
                if (strcasecmp(*a, name) == 0)
                        return true;
        return false;
}

/* Is @proto carried by @context, i.e. does one of its keys live in a space @context dispatches on? */
static bool
carried_by(const struct pkt_proto *pr, unsigned context)
{
        static const struct {
                uint16_t proto;
                uint8_t space;
        } dispatch[] = {
                { PKT_PROTO_ICMP, PKT_KEY_ICMP_TYPE },
                { PKT_PROTO_ICMP6, PKT_KEY_ICMP6_TYPE },
        };

        for (unsigned i = 0; i < ARRAY_SIZE(dispatch); i++) {
                uint32_t v;
                if (dispatch[i].proto == context && pkt_carrier_key(pr->id, dispatch[i].space, &v) == 0)
                        return true;
        }
        return false;
}

int
pkt_proto_by_name(const char *name, unsigned context)
{
        int found = -ENOENT;

        pkt_assert_return(name, -EINVAL);
        for (unsigned id = 1; id < PKT_PROTO_MAX; id++) {
                const struct pkt_proto *pr = pkt_protos[id];
                if (!pr || !name_matches(pr, name))
                        continue;
                if (context == PKT_PROTO_NONE || carried_by(pr, context))
                        return (int)id;
                if (found < 0)
                        found = (int)id;
        }
        return found;
}

const char *
pkt_proto_name(unsigned id)
{
        const struct pkt_proto *pr = proto_of(id);
        return pr ? pr->name : "?";
}

const struct pkt_proto *
pkt_proto_get(unsigned id)
{
        return proto_of(id);
}

/* Per key space, the protocols whose heuristics are tried on a payload no key there claims, in
 * registration order. Why 16: the built-ins need three at most (TCP: TLS, HTTP, SIP), and every one
 * tried costs a call on each unclaimed payload; the rest is room for protocols registered at run time. */
#define HEUR_MAX 16u
static uint8_t heur[_PKT_KEY_MAX][HEUR_MAX];
static uint8_t n_heur[_PKT_KEY_MAX];

static int
heur_add(enum pkt_key_space space, unsigned id)
{
        for (unsigned i = 0; i < n_heur[space]; i++)
                if (heur[space][i] == id)
                        return 0;
        if (n_heur[space] == HEUR_MAX)
                return -ENOSPC;
        heur[space][n_heur[space]++] = (uint8_t)id;
        return 0;
}

static int
register_carriers(const struct pkt_proto *pr)
{
        if (pr->flags & PKT_P_DISPATCHED)
                return 0;
        for (const struct pkt_key *k = pr->carriers; k && k->space != _PKT_KEY_MAX; k++) {
                int r = k->value == PKT_KEY_GUESSED ? 0 : pkt_key_register(k->space, k->value, pr->id);
                if (r == 0 && pr->heuristic)
                        r = heur_add(k->space, pr->id);
                if (r < 0)
                        return r;
        }
        return 0;
}

unsigned
pkt_guess_payload(const struct pkt *p, unsigned idx)
{
        const struct pkt_layer *l = &p->layers[idx];
        /* A guess is only ever recorded above a transport, by its port form (pkt_port_lookup()). */
        const struct pkt_proto *below = idx > 0 ? proto_of(p->layers[idx - 1].proto) : NULL;

        if (!below || below->fast.key != PKT_FAST_PORTS)
                return PKT_PROTO_RAW;
        /* A system port (below 1024, assigned by IANA) belongs to its service even when no protocol
         * here dissects it: an SMTP or SSH session may carry an HTTP-like line. Only the protocols
         * whose heuristics nothing else passes are asked there (a TLS record on 993, DNS on UDP 443,
         * where tshark guesses too once QUIC declines); the services that share one of their formats
         * are registered as raw (NetBIOS name service messages are DNS's, raw.c). */
        const uint8_t *ports = p->data + p->layers[idx - 1].off + below->fast.key_off;
        bool is_system = MIN(pkt_load_be16(ports), pkt_load_be16(ports + 2)) < 1024;
        enum pkt_key_space space = below->fast.key_space;
        const struct pkt_view v = {
                .b = p->data + l->off,
                .caplen = l->len,
                .wire_len = l->wire_len,
                .proto = PKT_PROTO_GUESS,
                .lower = below->id,
        };
        for (unsigned i = 0; i < n_heur[space]; i++) {
                const struct pkt_proto *pr = pkt_protos[heur[space][i]];
                if ((!is_system || (pr->flags & PKT_P_GUESS_SYSTEM_PORTS)) && pr->heuristic(&v))
                        return pr->id;
        }
        return PKT_PROTO_RAW;
}

/* A fast form reads only the min_hdr_len bytes the engine has checked are there. */
static bool
fast_is_valid(const struct pkt_proto *pr)
{
        const struct pkt_fast *f = &pr->fast;
        unsigned h = pr->min_hdr_len;

        if (f->key == PKT_FAST_NONE)
                return true;
        if (pr->dispatch)
                return false; /* its bytes may be another protocol's: the hook asks first */
        if (f->key == PKT_FAST_WHOLE)
                return true; /* names no offset; a layer of 0 bytes is never fast (hdr_len 0: the hook) */
        return h > 0 && f->key <= PKT_FAST_PORTS && f->key_space < _PKT_KEY_MAX &&
               f->key_off + (f->key == PKT_FAST_KEY8 ? 1u : f->key == PKT_FAST_KEY16 ? 2u : 4u) <= h &&
               (!(f->flags & PKT_FAST_MATCH) || f->match_off < h) &&
               /* The longer form's 4 bytes are read at the header's start when there is no room for
                * it (pkt_fast_read()): the header must have them. */
               (f->opt_len == 0 || ((f->flags & PKT_FAST_MATCH) && f->opt_len >= 4 && h >= 4 &&
                                    (f->opt_val & f->match_mask) != (f->match_val & f->match_mask) &&
                                    h + f->opt_len <= UINT16_MAX)) &&
               (!(f->flags & PKT_FAST_LEN) || f->len_off + 2u <= h) &&
               (!(f->flags & PKT_FAST_ZERO) || f->zero_off + 2u <= h);
}

pkt_fast_step_fn pkt_fast_steps[PKT_PROTO_MAX];

/* No fast form: the hook decides every header. */
static unsigned
fast_none(struct pkt *p, struct pkt_layer *l)
{
        (void)p, (void)l;
        return 0;
}

/* The fast form of a protocol registered at run time, read from its descriptor. */
static unsigned
fast_step_any(struct pkt *p, struct pkt_layer *l)
{
        const struct pkt_proto *pr = pkt_protos[(uint8_t)l->proto];

        return pkt_fast_step_as(&pr->fast, pr->min_hdr_len, p, l);
}

static void
fast_step_set(const struct pkt_proto *pr)
{
        pkt_fast_step_fn fn = pr->fast_step ? pr->fast_step : fast_step_any;

        /* A quoted packet's lengths are the hook's business (it is usually cut short). */
        if (pr->fast.key == PKT_FAST_NONE || (pr->flags & PKT_P_QUOTES))
                fn = fast_none;
        pkt_fast_steps[pr->id] = fn;
}

int
pkt_proto_register(struct pkt_proto *proto)
{
        pkt_assert_return(proto && proto->name, -EINVAL);
        pkt_assert_return(proto->min_hdr_len > 0 || proto->dissect, -EINVAL);
        pkt_assert_return(fast_is_valid(proto), -EINVAL);
        /* Only built-ins compile their forms (PKT_FAST_STEP()): a run-time form is read as data. */
        pkt_assert_return(!proto->fast_step, -EINVAL);

        for (unsigned id = 1; id < PKT_PROTO_MAX; id++)
                if (pkt_protos[id] && strcasecmp(pkt_protos[id]->name, proto->name) == 0)
                        return -EEXIST;
        if (next_user_id >= PKT_PROTO_GUESS)
                return -ENOSPC;
        proto->id = (uint16_t)next_user_id++;
        pkt_protos[proto->id] = proto;
        fast_step_set(proto);
        return register_carriers(proto) < 0 ? -ENOSPC : proto->id;
}

/* Built-ins first, then their carriers, so that a later file may override an earlier key. */
__attribute__((constructor)) static void
register_builtins(void)
{
        for (unsigned i = 0; i < pkt_builtin_count; i++) {
                const struct pkt_proto *pr = pkt_builtins[i];
                /* Not assert(): a duplicate id would leave another id unregistered, which the
                 * inline pkt_parse() takes as registered. */
                if (pr->id == PKT_PROTO_NONE || pr->id >= PKT_PROTO_BUILTIN_MAX || pkt_protos[pr->id] ||
                    !fast_is_valid(pr) || (pr->fast_step && pr->fast.key == PKT_FAST_NONE))
                        abort();
                pkt_protos[pr->id] = pr;
                fast_step_set(pr);
        }
        for (unsigned i = 0; i < pkt_builtin_count; i++)
                (void)register_carriers(pkt_builtins[i]);
}
