/* Away and back: reads a byte from stdin (it is moved away after "started"), appends to a file and
 * prints from away, computes for a few seconds (it is brought home meanwhile), appends and prints
 * again at home, and exits 5. The result of the computation is printed too: registers and memory
 * must survive both moves. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

static void note(const char *path, const char *line)
{
    FILE *f = fopen(path, "a");
    if (!f) { perror(path); _exit(1); }
    fprintf(f, "%s\n", line);
    fclose(f);
    printf("%s\n", line);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: migrate_roundtrip FILE\n"); return 2; }
    pid_t pid = getpid();
    printf("migrate_roundtrip: started\n");
    fflush(stdout);
    char byte;
    if (read(0, &byte, 1) != 1) { perror("read stdin"); return 1; }
    note(argv[1], byte == 'a' ? "first: read a" : "first: read something else");

    uint64_t x = 88172645463325252ull, acc = 0;
    for (uint64_t i = 0; i < 1500000000ull; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        acc += x & 0xff;
    }
    char line[128];
    snprintf(line, sizeof line, "second: computed %llu", (unsigned long long)acc);
    note(argv[1], line);
    printf("same pid at the end: %s\n", getpid() == pid ? "yes" : "no");
    return 5;
}
