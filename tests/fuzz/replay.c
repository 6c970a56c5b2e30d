/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The replayer: a main() for a fuzz harness built without libFuzzer. Every argument is a seed file
 * or a directory of them (read in name order, so runs are repeatable); each file is handed once to
 * LLVMFuzzerTestOneInput(). A harness that finds a broken invariant aborts, which fails the ctest.
 * Replaying nothing is a failure too: a seed directory that went missing must not pass silently.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Why 16 MiB: far above any seed we keep (the dissect seeds stay under 2 MB in all). */
#define SEED_MAX (16u << 20)

static int
replay_file(const char *path)
{
        FILE *f = fopen(path, "rb");
        uint8_t *buf;
        size_t n;

        if (!f) {
                fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
                return -errno;
        }
        buf = malloc(SEED_MAX);
        if (!buf) {
                (void)fclose(f);
                return -ENOMEM;
        }
        n = fread(buf, 1, SEED_MAX, f);
        (void)fclose(f);
        /* An exact-size copy, so that ASan catches a read even one byte past the input. */
        uint8_t *exact = malloc(n ? n : 1);
        if (!exact) {
                free(buf);
                return -ENOMEM;
        }
        memcpy(exact, buf, n);
        free(buf);
        (void)LLVMFuzzerTestOneInput(exact, n);
        free(exact);
        return 0;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
        return strcmp((*a)->d_name, (*b)->d_name);
}

static int
replay_dir(const char *dir, unsigned *count)
{
        struct dirent **names;
        int n = scandir(dir, &names, NULL, by_name);
        int r = 0;

        if (n < 0) {
                fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
                return -errno;
        }
        for (int i = 0; i < n; i++) {
                char path[4096];
                struct stat st;
                snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
                if (r == 0 && names[i]->d_name[0] != '.' && stat(path, &st) == 0 &&
                    S_ISREG(st.st_mode)) {
                        r = replay_file(path);
                        (*count)++;
                }
                free(names[i]);
        }
        free(names);
        return r;
}

int
main(int argc, char **argv)
{
        unsigned count = 0;

        for (int i = 1; i < argc; i++) {
                struct stat st;
                int r;
                if (stat(argv[i], &st) < 0) {
                        fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
                        return 1;
                }
                if (S_ISDIR(st.st_mode)) {
                        r = replay_dir(argv[i], &count);
                } else {
                        r = replay_file(argv[i]);
                        count++;
                }
                if (r < 0)
                        return 1;
        }
        printf("replayed %u inputs\n", count);
        return count > 0 ? 0 : 1;
}
