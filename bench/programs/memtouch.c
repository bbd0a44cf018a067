/* Touches MIB mebibytes with a non-zero pattern, says "ready", blocks reading one byte from
 * stdin (where it is checkpointed), then checks every page and says "ok" or "BAD": the
 * checkpoint/restore benchmark's process. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 64, words = mib << 17;
    uint64_t *p = malloc(words * sizeof *p);
    if (!p) { perror("malloc"); return 1; }
    for (size_t i = 0; i < words; i++)
        p[i] = i * 0x9E3779B97F4A7C15ull + 1;
    printf("ready\n");
    fflush(stdout);
    char c;
    if (read(0, &c, 1) < 0) { perror("read"); return 1; }
    for (size_t i = 0; i < words; i++)
        if (p[i] != i * 0x9E3779B97F4A7C15ull + 1) { printf("BAD at %zu\n", i); return 1; }
    printf("ok\n");
    return 0;
}
