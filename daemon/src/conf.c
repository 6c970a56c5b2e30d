/* SPDX-License-Identifier: BSD-3-Clause */
/* pktd.conf parser. The format (docs/daemon.md):
 *
 *   # comment            a '#' starts a comment anywhere on a line
 *   [roles]              admin / capture / inject = space-separated principals:
 *   capture = group:pktd user:NAME, user:UID, group:NAME, group:GID
 *   [limits]             connections, connectionsPerUid, frameSize, outputBuffer, idleTimeoutSec,
 *                        subscriptions, subscriptionsPerUid, srPerUid, srProbes, srDurationMs,
 *                        streamHighWater, streamLowWater
 *   [capture]            interfaces = * | NAME...
 *   [inject]             interfaces = * | NAME..., packetsPerSecond, bytesPerSecond,
 *                        allowSpoofing = yes|no
 *   [daemon]             user = NAME, allowRoot = yes|no
 *
 * Unknown sections or keys, a key set twice, bad numbers and out-of-range limits are errors with
 * the line number: a typo must not silently leave a default in force. A user or group name that
 * does not exist matches nobody and is reported as a warning (groups are often created after the
 * config). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "conf.h"
#include "pktd.h"

/* NSS answers for one name fit in far less; the cap stops a broken NSS module from growing us. */
#define NSS_BUF_MAX (1024 * 1024)
/* A line longer than this is not a config line (and would not fit the error message anyway). */
#define LINE_MAX_LEN 4096

enum section { SEC_NONE, SEC_ROLES, SEC_LIMITS, SEC_DAEMON, SEC_CAPTURE, SEC_INJECT };

/* Keys are tracked so a key set twice is an error. */
enum key {
        K_ADMIN,
        K_CAPTURE,
        K_INJECT,
        K_CONNECTIONS,
        K_CONNECTIONS_PER_UID,
        K_FRAME_SIZE,
        K_OUTPUT_BUFFER,
        K_IDLE_TIMEOUT,
        K_USER,
        K_ALLOW_ROOT,
        K_SUBSCRIPTIONS,
        K_SUBSCRIPTIONS_PER_UID,
        K_SR_PER_UID,
        K_SR_PROBES,
        K_SR_DURATION_MS,
        K_STREAM_HIGH_WATER,
        K_STREAM_LOW_WATER,
        K_CAPTURE_IFACES,
        K_INJECT_IFACES,
        K_INJECT_PPS,
        K_INJECT_BPS,
        K_ALLOW_SPOOFING,
        _K_MAX,
};

/* clang-format off */
static const struct {
        enum section section;
        const char *name;
        unsigned long long min, max; /* limits only */
} keys[_K_MAX] = {
        [K_ADMIN]               = { SEC_ROLES,  "admin" },
        [K_CAPTURE]             = { SEC_ROLES,  "capture" },
        [K_INJECT]              = { SEC_ROLES,  "inject" },
        [K_CONNECTIONS]         = { SEC_LIMITS, "connections",
                                    PKTD_CONNECTIONS_MIN, PKTD_CONNECTIONS_MAX },
        [K_CONNECTIONS_PER_UID] = { SEC_LIMITS, "connectionsPerUid",
                                    PKTD_CONNECTIONS_MIN, PKTD_CONNECTIONS_MAX },
        [K_FRAME_SIZE]          = { SEC_LIMITS, "frameSize",
                                    PKTD_FRAME_SIZE_MIN, PKTD_FRAME_SIZE_DEFAULT },
        [K_OUTPUT_BUFFER]       = { SEC_LIMITS, "outputBuffer",
                                    PKTD_OUTPUT_BUFFER_MIN, PKTD_OUTPUT_BUFFER_MAX },
        [K_IDLE_TIMEOUT]        = { SEC_LIMITS, "idleTimeoutSec",
                                    PKTD_IDLE_TIMEOUT_MIN, PKTD_IDLE_TIMEOUT_MAX },
        [K_USER]                = { SEC_DAEMON, "user" },
        [K_ALLOW_ROOT]          = { SEC_DAEMON, "allowRoot" },
        [K_SUBSCRIPTIONS]       = { SEC_LIMITS, "subscriptions",
                                    PKTD_SUBSCRIPTIONS_MIN, PKTD_SUBSCRIPTIONS_MAX },
        [K_SUBSCRIPTIONS_PER_UID] = { SEC_LIMITS, "subscriptionsPerUid",
                                    PKTD_SUBSCRIPTIONS_MIN, PKTD_SUBSCRIPTIONS_MAX },
        [K_SR_PER_UID]          = { SEC_LIMITS, "srPerUid",
                                    PKTD_SR_PER_UID_MIN, PKTD_SR_PER_UID_MAX },
        [K_SR_PROBES]           = { SEC_LIMITS, "srProbes",
                                    PKTD_SR_PROBES_MIN, PKTD_SR_PROBES_MAX },
        [K_SR_DURATION_MS]      = { SEC_LIMITS, "srDurationMs",
                                    PKTD_SR_DURATION_MS_MIN, PKTD_SR_DURATION_MS_MAX },
        [K_STREAM_HIGH_WATER]   = { SEC_LIMITS, "streamHighWater",
                                    PKTD_STREAM_WATER_MIN, PKTD_STREAM_WATER_MAX },
        [K_STREAM_LOW_WATER]    = { SEC_LIMITS, "streamLowWater",
                                    PKTD_STREAM_WATER_MIN, PKTD_STREAM_WATER_MAX },
        [K_CAPTURE_IFACES]      = { SEC_CAPTURE, "interfaces" },
        [K_INJECT_IFACES]       = { SEC_INJECT, "interfaces" },
        [K_INJECT_PPS]          = { SEC_INJECT, "packetsPerSecond",
                                    PKTD_INJECT_PPS_MIN, PKTD_INJECT_PPS_MAX },
        [K_INJECT_BPS]          = { SEC_INJECT, "bytesPerSecond",
                                    PKTD_INJECT_BPS_MIN, PKTD_INJECT_BPS_MAX },
        [K_ALLOW_SPOOFING]      = { SEC_INJECT, "allowSpoofing" },
};
/* clang-format on */

static int
fail(struct pktd_conf_error *err, unsigned line, const char *fmt, ...)
{
        va_list ap;

        if (err) {
                err->line = line;
                va_start(ap, fmt);
                (void)vsnprintf(err->message, sizeof(err->message), fmt, ap);
                va_end(ap);
        }
        return -EINVAL;
}

static void
warn(struct pktd_conf *c, const char *fmt, ...)
{
        va_list ap;

        if (c->n_warnings >= ARRAY_SIZE(c->warnings))
                return;
        va_start(ap, fmt);
        (void)vsnprintf(c->warnings[c->n_warnings++], sizeof(c->warnings[0]), fmt, ap);
        va_end(ap);
}

/* Looks a user (@is_user) or group name up. Returns 1 found, 0 no such name, negative on error. */
static int
lookup_name(const char *name, bool is_user, unsigned *ret_id)
{
        size_t size = 16384;

        for (;;) {
                _cleanup_free_ char *buf = malloc(size);
                int r;

                if (!buf)
                        return -ENOMEM;
                if (is_user) {
                        struct passwd pw, *res = NULL;

                        r = getpwnam_r(name, &pw, buf, size, &res);
                        if (r == 0 && res)
                                *ret_id = res->pw_uid;
                        if (r == 0)
                                return res ? 1 : 0;
                } else {
                        struct group gr, *res = NULL;

                        r = getgrnam_r(name, &gr, buf, size, &res);
                        if (r == 0 && res)
                                *ret_id = res->gr_gid;
                        if (r == 0)
                                return res ? 1 : 0;
                }
                if (r != ERANGE)
                        /* ENOENT/ESRCH/EBADF/EPERM are how some NSS modules say "not found". */
                        return (r == ENOENT || r == ESRCH || r == EBADF || r == EPERM) ? 0 : -r;
                if (size >= NSS_BUF_MAX)
                        return -ERANGE;
                size *= 2;
        }
}

/* Strict decimal: digits only, no sign, no spaces, no overflow. */
static bool
parse_ull(const char *s, unsigned long long *ret)
{
        unsigned long long v = 0;

        if (!*s)
                return false;
        for (; *s; s++) {
                if (*s < '0' || *s > '9')
                        return false;
                if (v > (ULLONG_MAX - (unsigned)(*s - '0')) / 10)
                        return false;
                v = v * 10 + (unsigned)(*s - '0');
        }
        *ret = v;
        return true;
}

/* POSIX-portable user/group names (plus the '.' and upper case some sites use); no paths, no
 * spaces. */
static bool
name_is_valid(const char *s)
{
        size_t n = strlen(s);

        if (n == 0 || n > 32 || s[0] == '-' || isdigit((unsigned char)s[0]))
                return false;
        for (; *s; s++)
                if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
                        return false;
        return true;
}

static int
parse_principal(struct pktd_conf *c, const char *tok, unsigned line, struct pktd_principal *ret,
                struct pktd_conf_error *err)
{
        unsigned long long v;
        const char *name;
        bool is_user;
        unsigned id = 0;
        int r;

        if (strncmp(tok, "user:", 5) == 0) {
                is_user = true;
                name = tok + 5;
        } else if (strncmp(tok, "group:", 6) == 0) {
                is_user = false;
                name = tok + 6;
        } else
                return fail(err, line,
                            "'%.40s' is not user:NAME, user:UID, group:NAME or group:GID", tok);

        ret->kind = is_user ? PKTD_PRINCIPAL_USER : PKTD_PRINCIPAL_GROUP;
        if (*name >= '0' && *name <= '9') {
                /* (uid_t)-1 is "no id" to the kernel's set*id calls; refuse it as a principal. */
                if (!parse_ull(name, &v) || v >= UINT_MAX)
                        return fail(err, line, "'%.40s': bad %s id", tok,
                                    is_user ? "user" : "group");
                ret->id = (unsigned)v;
                ret->resolved = true;
                return 0;
        }
        if (!name_is_valid(name))
                return fail(err, line, "'%.40s': not a valid %s name", tok,
                            is_user ? "user" : "group");
        r = lookup_name(name, is_user, &id);
        if (r < 0)
                return fail(err, line, "'%.40s': the %s database could not be read", tok,
                            is_user ? "user" : "group");
        ret->id = id;
        ret->resolved = r > 0;
        if (!ret->resolved)
                warn(c, "line %u: %s '%s' does not exist and matches nobody", line,
                     is_user ? "user" : "group", name);
        return 0;
}

static int
parse_role(struct pktd_conf *c, struct pktd_role_conf *role, char *value, unsigned line,
           struct pktd_conf_error *err)
{
        char *save = NULL;

        role->n = 0;
        for (char *tok = strtok_r(value, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
                int r;

                if (role->n >= PKTD_CONF_PRINCIPALS_MAX)
                        return fail(err, line, "more than %d principals", PKTD_CONF_PRINCIPALS_MAX);
                r = parse_principal(c, tok, line, &role->principals[role->n], err);
                if (r < 0)
                        return r;
                role->n++;
        }
        return 0;
}

/* A name the kernel would accept for a network interface (dev_valid_name()): 1 to IFNAMSIZ-1
 * bytes, not "." or "..", no '/', ':' or white space. Control bytes are refused too. */
static bool
iface_name_is_valid(const char *s)
{
        size_t n = strlen(s);

        if (n == 0 || n >= IFNAMSIZ || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
                return false;
        for (; *s; s++)
                if (*s == '/' || *s == ':' || (unsigned char)*s <= ' ' || *s == 0x7f)
                        return false;
        return true;
}

/* "*" (every interface), or space-separated kernel names; empty: none. */
static int
parse_iface_list(struct pktd_iface_list *l, char *value, unsigned line, const char *key,
                 struct pktd_conf_error *err)
{
        char *save = NULL;

        l->all = false;
        l->n = 0;
        for (char *tok = strtok_r(value, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
                if (strcmp(tok, "*") == 0) {
                        l->all = true;
                        continue;
                }
                if (!iface_name_is_valid(tok))
                        return fail(err, line, "%s: '%.40s' is not an interface name", key, tok);
                for (size_t i = 0; i < l->n; i++)
                        if (strcmp(l->names[i], tok) == 0)
                                return fail(err, line, "%s: '%s' is listed twice", key, tok);
                if (l->n >= PKTD_CONF_IFACES_MAX)
                        return fail(err, line, "%s: more than %d interfaces", key,
                                    PKTD_CONF_IFACES_MAX);
                (void)snprintf(l->names[l->n], IFNAMSIZ, "%s", tok);
                l->n++;
        }
        if (l->all && l->n > 0)
                return fail(err, line, "%s: '*' already means every interface; give '*' or names",
                            key);
        return 0;
}

static int
parse_bool(const char *value, bool *ret)
{
        if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0)
                *ret = true;
        else if (strcmp(value, "no") == 0 || strcmp(value, "false") == 0)
                *ret = false;
        else
                return -EINVAL;
        return 0;
}

static int
set_key(struct pktd_conf *c, enum key k, char *value, unsigned line, struct pktd_conf_error *err)
{
        unsigned long long v;

        switch (k) {
        case K_ADMIN:
                return parse_role(c, &c->roles[PKTD_ROLE_IDX_ADMIN], value, line, err);
        case K_CAPTURE:
                return parse_role(c, &c->roles[PKTD_ROLE_IDX_CAPTURE], value, line, err);
        case K_INJECT:
                return parse_role(c, &c->roles[PKTD_ROLE_IDX_INJECT], value, line, err);
        case K_USER:
                if (!name_is_valid(value))
                        return fail(err, line, "user: '%.40s' is not a valid user name", value);
                (void)snprintf(c->user, sizeof(c->user), "%s", value);
                return 0;
        case K_ALLOW_ROOT:
                if (parse_bool(value, &c->allow_root) < 0)
                        return fail(err, line, "allowRoot: '%.40s' is not yes or no", value);
                return 0;
        case K_ALLOW_SPOOFING:
                if (parse_bool(value, &c->inject.allow_spoofing) < 0)
                        return fail(err, line, "allowSpoofing: '%.40s' is not yes or no", value);
                return 0;
        case K_CAPTURE_IFACES:
                return parse_iface_list(&c->capture_ifaces, value, line, "[capture] interfaces",
                                        err);
        case K_INJECT_IFACES:
                return parse_iface_list(&c->inject_ifaces, value, line, "[inject] interfaces",
                                        err);
        default:
                break;
        }

        if (!parse_ull(value, &v))
                return fail(err, line, "%s: '%.40s' is not a decimal number", keys[k].name, value);
        if (v < keys[k].min || v > keys[k].max)
                return fail(err, line, "%s: %llu is out of range %llu..%llu", keys[k].name, v,
                            keys[k].min, keys[k].max);
        switch (k) {
        case K_CONNECTIONS:
                c->limits.connections = (unsigned)v;
                break;
        case K_CONNECTIONS_PER_UID:
                c->limits.connections_per_uid = (unsigned)v;
                break;
        case K_FRAME_SIZE:
                c->limits.frame_size = (size_t)v;
                break;
        case K_OUTPUT_BUFFER:
                c->limits.output_buffer = (size_t)v;
                break;
        case K_IDLE_TIMEOUT:
                c->limits.idle_timeout_sec = (unsigned)v;
                break;
        case K_SUBSCRIPTIONS:
                c->limits.subscriptions = (unsigned)v;
                break;
        case K_SUBSCRIPTIONS_PER_UID:
                c->limits.subscriptions_per_uid = (unsigned)v;
                break;
        case K_SR_PER_UID:
                c->limits.sr_per_uid = (unsigned)v;
                break;
        case K_SR_PROBES:
                c->limits.sr_probes = (unsigned)v;
                break;
        case K_SR_DURATION_MS:
                c->limits.sr_duration_ms = (unsigned)v;
                break;
        case K_STREAM_HIGH_WATER:
                c->limits.stream_high_water = (size_t)v;
                break;
        case K_STREAM_LOW_WATER:
                c->limits.stream_low_water = (size_t)v;
                break;
        case K_INJECT_PPS:
                c->inject.packets_per_second = v;
                break;
        case K_INJECT_BPS:
                c->inject.bytes_per_second = v;
                break;
        default:
                break;
        }
        return 0;
}

static char *
trim(char *s)
{
        char *e;

        while (*s == ' ' || *s == '\t' || *s == '\r')
                s++;
        e = s + strlen(s);
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
                *--e = '\0';
        return s;
}

static int
parse_line(struct pktd_conf *c, char *line, unsigned lineno, enum section *sec, bool seen[_K_MAX],
           struct pktd_conf_error *err)
{
        char *hash, *eq, *key, *value, *s;

        hash = strchr(line, '#');
        if (hash)
                *hash = '\0';
        s = trim(line);
        if (!*s)
                return 0;

        if (*s == '[') {
                size_t n = strlen(s);

                if (s[n - 1] != ']')
                        return fail(err, lineno, "section header without ']'");
                s[n - 1] = '\0';
                s = trim(s + 1);
                if (strcmp(s, "roles") == 0)
                        *sec = SEC_ROLES;
                else if (strcmp(s, "limits") == 0)
                        *sec = SEC_LIMITS;
                else if (strcmp(s, "daemon") == 0)
                        *sec = SEC_DAEMON;
                else if (strcmp(s, "capture") == 0)
                        *sec = SEC_CAPTURE;
                else if (strcmp(s, "inject") == 0)
                        *sec = SEC_INJECT;
                else
                        return fail(err, lineno, "unknown section [%.40s]", s);
                return 0;
        }

        eq = strchr(s, '=');
        if (!eq)
                return fail(err, lineno, "expected 'key = value'");
        *eq = '\0';
        key = trim(s);
        value = trim(eq + 1);
        if (*sec == SEC_NONE)
                return fail(err, lineno, "'%.40s' before any [section]", key);
        for (unsigned k = 0; k < _K_MAX; k++) {
                if (keys[k].section != *sec || strcmp(keys[k].name, key) != 0)
                        continue;
                if (seen[k])
                        return fail(err, lineno, "%s is set twice", key);
                seen[k] = true;
                /* An empty role or interface list is meaningful: nobody, no interface. */
                if (!*value && *sec != SEC_ROLES && k != K_CAPTURE_IFACES &&
                    k != K_INJECT_IFACES)
                        return fail(err, lineno, "%s has no value", key);
                return set_key(c, (enum key)k, value, lineno, err);
        }
        return fail(err, lineno, "unknown key '%.40s' in this section", key);
}

void
pktd_conf_defaults(struct pktd_conf *c)
{
        char def_capture[] = "group:pktd", def_inject[] = "group:pktd-inject";

        memset(c, 0, sizeof(*c));
        c->roles[PKTD_ROLE_IDX_ADMIN].principals[0] =
                (struct pktd_principal){ .kind = PKTD_PRINCIPAL_USER, .id = 0, .resolved = true };
        c->roles[PKTD_ROLE_IDX_ADMIN].n = 1;
        /* Default groups that do not exist simply match nobody; that is not worth a warning. */
        (void)parse_role(c, &c->roles[PKTD_ROLE_IDX_CAPTURE], def_capture, 0, NULL);
        (void)parse_role(c, &c->roles[PKTD_ROLE_IDX_INJECT], def_inject, 0, NULL);
        c->n_warnings = 0;
        memset(c->warnings, 0, sizeof(c->warnings));
        c->limits = (struct pktd_limits){
                .connections = PKTD_CONNECTIONS_DEFAULT,
                .connections_per_uid = PKTD_CONNECTIONS_PER_UID_DEFAULT,
                .frame_size = PKTD_FRAME_SIZE_DEFAULT,
                .output_buffer = PKTD_OUTPUT_BUFFER_DEFAULT,
                .idle_timeout_sec = PKTD_IDLE_TIMEOUT_DEFAULT,
                .subscriptions = PKTD_SUBSCRIPTIONS_DEFAULT,
                .subscriptions_per_uid = PKTD_SUBSCRIPTIONS_PER_UID_DEFAULT,
                .sr_per_uid = PKTD_SR_PER_UID_DEFAULT,
                .sr_probes = PKTD_SR_PROBES_DEFAULT,
                .sr_duration_ms = PKTD_SR_DURATION_MS_DEFAULT,
                .stream_high_water = PKTD_STREAM_HIGH_WATER_DEFAULT,
                .stream_low_water = PKTD_STREAM_LOW_WATER_DEFAULT,
        };
        c->capture_ifaces.all = true;
        c->inject_ifaces.all = true;
        c->inject = (struct pktd_inject_conf){
                .packets_per_second = PKTD_INJECT_PPS_DEFAULT,
                .bytes_per_second = PKTD_INJECT_BPS_DEFAULT,
                .allow_spoofing = false,
        };
        (void)snprintf(c->user, sizeof(c->user), "%s", PKTD_USER_DEFAULT);
        c->allow_root = false;
}

int
pktd_conf_parse(const char *text, size_t len, struct pktd_conf **ret, struct pktd_conf_error *err)
{
        _cleanup_free_ struct pktd_conf *c = NULL;
        _cleanup_free_ char *copy = NULL;
        enum section sec = SEC_NONE;
        bool seen[_K_MAX] = { false };
        unsigned lineno = 0;
        char *p;

        if (!ret || (!text && len))
                return -EINVAL;
        c = malloc(sizeof(*c));
        copy = malloc(len + 1);
        if (!c || !copy)
                return -ENOMEM;
        pktd_conf_defaults(c);
        if (len)
                memcpy(copy, text, len);
        copy[len] = '\0';
        if (memchr(copy, '\0', len))
                return fail(err, 0, "the file contains a NUL byte");

        for (p = copy;;) {
                char *nl = strchr(p, '\n');
                int r;

                if (nl)
                        *nl = '\0';
                lineno++;
                if (strlen(p) > LINE_MAX_LEN)
                        return fail(err, lineno, "line longer than %d bytes", LINE_MAX_LEN);
                r = parse_line(c, p, lineno, &sec, seen, err);
                if (r < 0)
                        return r;
                if (!nl)
                        break;
                p = nl + 1;
        }
        if (c->limits.connections_per_uid > c->limits.connections)
                return fail(err, 0, "connectionsPerUid (%u) is above connections (%u)",
                            c->limits.connections_per_uid, c->limits.connections);
        if (c->limits.subscriptions_per_uid > c->limits.subscriptions)
                return fail(err, 0, "subscriptionsPerUid (%u) is above subscriptions (%u)",
                            c->limits.subscriptions_per_uid, c->limits.subscriptions);
        /* Equal watermarks would stop and resume a stream on every reply. */
        if (c->limits.stream_low_water >= c->limits.stream_high_water)
                return fail(err, 0, "streamLowWater (%zu) is not below streamHighWater (%zu)",
                            c->limits.stream_low_water, c->limits.stream_high_water);
        *ret = TAKE_PTR(c);
        return 0;
}

int
pktd_conf_load(const char *path, bool must_exist, struct pktd_conf **ret,
               struct pktd_conf_error *err)
{
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *buf = NULL;
        struct stat st;
        size_t len = 0;

        if (!path || !ret)
                return -EINVAL;
        /* O_NONBLOCK: opening a FIFO put in the file's place would wait for a writer, and the loop
         * with it (Reload); it is refused below like any file that is not regular. */
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0) {
                int e = errno;

                if (e == ENOENT && !must_exist)
                        return pktd_conf_parse("", 0, ret, err);
                /* Messages reach Reload's caller: say what is wrong, not where or strerror(). */
                (void)fail(err, 0, "%s",
                           e == ENOENT   ? "the configuration file does not exist"
                           : e == EACCES ? "the configuration file is not readable by pktd"
                                         : "the configuration file cannot be opened");
                return -e;
        }
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                (void)fail(err, 0, "the configuration file is not a regular file");
                return -EINVAL;
        }
        buf = malloc(PKTD_CONF_FILE_MAX + 1);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                ssize_t n = read(fd, buf + len, PKTD_CONF_FILE_MAX + 1 - len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int e = errno;

                        (void)fail(err, 0, "the configuration file cannot be read");
                        return -e;
                }
                if (n == 0)
                        break;
                len += (size_t)n;
                if (len > PKTD_CONF_FILE_MAX) {
                        (void)fail(err, 0, "the configuration file is larger than %d bytes",
                                   PKTD_CONF_FILE_MAX);
                        return -EFBIG;
                }
        }
        return pktd_conf_parse(buf, len, ret, err);
}

struct pktd_conf *
pktd_conf_free(struct pktd_conf *c)
{
        free(c);
        return NULL;
}

bool
pktd_iface_list_has(const struct pktd_iface_list *l, const char *name)
{
        if (!l || !name)
                return false;
        if (l->all)
                return true;
        for (size_t i = 0; i < l->n; i++)
                if (strncmp(l->names[i], name, IFNAMSIZ) == 0)
                        return true;
        return false;
}

bool
pktd_role_conf_match(const struct pktd_role_conf *r, uid_t uid, gid_t gid, const gid_t *groups,
                     size_t n_groups)
{
        for (size_t i = 0; i < r->n; i++) {
                const struct pktd_principal *p = &r->principals[i];

                if (!p->resolved)
                        continue;
                if (p->kind == PKTD_PRINCIPAL_USER) {
                        if (p->id == uid)
                                return true;
                        continue;
                }
                if (p->id == gid)
                        return true;
                for (size_t j = 0; j < n_groups; j++)
                        if (groups[j] == p->id)
                                return true;
        }
        return false;
}
