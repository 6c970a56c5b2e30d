/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The small helpers every library and program in the tree shares: precondition checks, cleanup
 * attributes and ownership handover (STYLE.md, "Ownership and lifetime": one private header, shared
 * in-tree and never installed). Each private header includes this one and names its own
 * <prefix>_assert_return after assert_return().
 */
#ifndef PKTD_MACRO_H
#define PKTD_MACRO_H

#include <stdlib.h>
#include <unistd.h>

/* Checks a caller's precondition: a public call returns @err instead of crashing on misuse. */
#define assert_return(expr, err)                                                                   \
        do {                                                                                       \
                if (__builtin_expect(!(expr), 0))                                                  \
                        return (err);                                                              \
        } while (0)

#define _cleanup_(f) __attribute__((cleanup(f)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Hands ownership out of a cleanup local at the one success exit: returns the value and leaves
 * NULL (-1 for a descriptor) behind, so the cleanup does nothing. */
static inline void *
take_ptr_(void **pp)
{
        void *p = *pp;
        *pp = NULL;
        return p;
}
#define TAKE_PTR(p) ((__typeof__(p))take_ptr_((void **)&(p)))

static inline int
take_fd_(int *fd)
{
        int r = *fd;
        *fd = -1;
        return r;
}
#define TAKE_FD(fd) take_fd_(&(fd))

static inline void
freep(void *p)
{
        free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline void
closep(int *fd)
{
        if (*fd >= 0)
                (void)close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

/* The value of hex digit @c, or -1. */
static inline int
hexval(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

#endif
