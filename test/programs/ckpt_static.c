/* Checkpoint/restart of a statically linked program (no ld.so, libc's state all in the binary's own data):
 * a counter that prints one line through stdio (line-buffered) every 30 ms for argv[1] steps (default 60). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
    int steps = argc > 1 ? atoi(argv[1]) : 60;
    setvbuf(stdout, NULL, _IOLBF, 0); /* a line per step reaches the pipe at once, so a test can wait for it */
    uint64_t x = 0x9e3779b97f4a7c15ull, sum = 0;
    struct timespec pause = { 0, 30 * 1000 * 1000 };
    for (int step = 1; step <= steps; step++) {
        for (int i = 0; i < 10000; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17; /* xorshift64 */
            sum += x >> 40;
        }
        printf("ckpt_static: step %d sum %llu\n", step, (unsigned long long)sum);
        nanosleep(&pause, NULL);
    }
    printf("ckpt_static: done after %d steps, x=%016llx\n", steps, (unsigned long long)x);
    return 0;
}
