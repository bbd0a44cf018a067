/* A big process for migration failures and speed: fills argv[1] MiB with a pattern, prints
 * "started", then sums the memory argv[2] times (default 40), checking the pattern, and prints the
 * sum. A move that loses or corrupts a page changes the output. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 64;
    unsigned passes = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 40;
    size_t words = mib * 1024 * 1024 / sizeof(uint64_t);
    uint64_t *memory = malloc(words * sizeof(uint64_t));
    if (!memory) { perror("malloc"); return 1; }
    for (size_t i = 0; i < words; i++)
        memory[i] = i * 2654435761u;
    printf("migrate_big: started\n");
    fflush(stdout);
    uint64_t sum = 0;
    for (unsigned p = 0; p < passes; p++)
        for (size_t i = 0; i < words; i++) {
            if (memory[i] != i * 2654435761u) { printf("corrupt at word %zu\n", i); return 3; }
            sum += memory[i] ^ p;
        }
    printf("migrate_big: %zu MiB, %u passes, sum %llu\n", mib, passes, (unsigned long long)sum);
    return 0;
}
