/* homecalls.c - the cost of a call made at home while the process runs elsewhere.
 *
 * usage: homecalls COUNT lseek|write4k|pipe4k
 *
 * lseek:   COUNT lseek(fd, 0, SEEK_CUR) on a file: a home call with no payload (the offset
 *          lives in the deputy's descriptor).
 * write4k: COUNT write(fd, 4 KiB) to /dev/null: a home call carrying a 4 KiB buffer.
 * pipe4k:  COUNT write(3, 4 KiB): the caller opens descriptor 3 on a pipe, which home writes
 *          from inside the deputy (the process that writes a pipe matters: SIGPIPE).
 * Waits for a line on stdin first, so the runner can move it away before the loop starts,
 * then prints the mean time per call in microseconds ("us/call N.NN") on stderr and a
 * checksum line on stdout.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: homecalls COUNT lseek|write4k|pipe4k\n");
        return 2;
    }
    long n = strtol(argv[1], NULL, 10);
    int seek = strcmp(argv[2], "lseek") == 0;
    int fd = strcmp(argv[2], "pipe4k") == 0 ? 3 : open(seek ? "/proc/self/exe" : "/dev/null", seek ? O_RDONLY : O_WRONLY);
    if (fd < 0) {
        perror("open");
        return 1;
    }
    char line[64];
    if (!fgets(line, sizeof line, stdin))
        return 1;
    static char block[4096];
    memset(block, 'x', sizeof block);
    long sum = 0;
    double start = now();
    for (long i = 0; i < n; i++)
        sum += seek ? lseek(fd, 0, SEEK_CUR) : write(fd, block, sizeof block);
    double took = now() - start;
    fprintf(stderr, "us/call %.2f\n", took / n * 1e6);
    printf("%ld calls, sum %ld\n", n, sum);
    return 0;
}
