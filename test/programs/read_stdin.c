/* Exercises reading all of stdin (a pipe from the parent): prints the byte count and an FNV-1a checksum. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    unsigned char buf[65536];
    uint64_t count = 0;
    uint32_t hash = 2166136261u;
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            hash ^= buf[i];
            hash *= 16777619u;
        }
        count += (uint64_t)n;
    }
    if (n < 0) { perror("read_stdin: read"); return 1; }
    printf("read_stdin: %llu bytes, fnv1a %08x\n", (unsigned long long)count, hash);
    return 0;
}
