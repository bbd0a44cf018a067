/* The limits a checkpoint is measured against: process_vm_readv from another process, and
 * memcpy, over MIB mebibytes of touched memory; and the rate at which the kernel hands out
 * fresh memory (what a restore writes into). Prints "vmread GB/s", "memcpy GB/s", "fresh GB/s". */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

int main(int argc, char **argv)
{
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 256, bytes = mib << 20, chunk = 8 << 20;
    char *src = malloc(bytes), *dst = malloc(bytes);
    int ready[2];
    if (pipe(ready) != 0) { perror("pipe"); return 1; }
    pid_t child = fork();
    if (child == 0) {
        /* The child touches its own copy, as a checkpointed process owns its pages. */
        memset(src, 0x5a, bytes);
        if (write(ready[1], "r", 1) != 1) _exit(1);
        pause();
        _exit(0);
    }
    char r;
    if (read(ready[0], &r, 1) != 1) { perror("read"); return 1; }
    /* Touched only now, after the fork: pages touched before it would be copy-on-write shared
     * with the child, and every write into them would copy a page first. */
    memset(src, 0x5a, bytes);
    memset(dst, 0xa5, bytes);

    double t0 = now();
    for (size_t off = 0; off < bytes; off += chunk) {
        struct iovec l = { dst + off, chunk }, r = { src + off, chunk };
        if (process_vm_readv(child, &l, 1, &r, 1, 0) != (ssize_t)chunk) { perror("process_vm_readv"); return 1; }
    }
    double t1 = now();
    memcpy(dst, src, bytes);
    double t2 = now();
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    /* Fresh memory: a new mapping written once, a page fault and a cleared page per 4 KiB. */
    char *fresh = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (fresh == MAP_FAILED) { perror("mmap"); return 1; }
    double t3 = now();
    memcpy(fresh, src, bytes);
    double t4 = now();
    printf("vmread %.2f\nmemcpy %.2f\nfresh %.2f\n", bytes / (t1 - t0) / 1e9, bytes / (t2 - t1) / 1e9, bytes / (t4 - t3) / 1e9);
    return 0;
}
