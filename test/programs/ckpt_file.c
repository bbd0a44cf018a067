/* Checkpoint/restart of a regular file being written: opens argv[1] read-write (created, truncated), writes one
 * numbered line to it with write(2) every 30 ms for 60 steps, reports each on stdout, then reads it back through
 * the same descriptor and prints its length and checksum. A restart must reopen the file by path with the same
 * flags (readable too) at the saved offset (not truncated, not at its end). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STEPS 60

static void say(const char *line)
{
    if (write(1, line, strlen(line)) < 0)
        _exit(3);
}

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: ckpt_file OUTPUT\n"); return 2; }
    int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) { perror("ckpt_file: open"); return 1; }

    struct timespec pause = { 0, 30 * 1000 * 1000 };
    char line[160], report[80];
    for (int step = 1; step <= STEPS; step++) {
        /* Lines of varying length, so a wrong offset cannot go unnoticed. */
        int n = snprintf(line, sizeof line, "line %d %.*s\n", step, step % 37 + 1,
                         "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ");
        if (write(fd, line, (size_t)n) != n) { perror("ckpt_file: write"); return 1; }
        snprintf(report, sizeof report, "ckpt_file: wrote line %d (%d bytes)\n", step, n);
        say(report);
        nanosleep(&pause, NULL);
    }
    if (lseek(fd, 0, SEEK_SET) != 0) { perror("ckpt_file: lseek"); return 1; }
    unsigned long long length = 0, hash = 1469598103934665603ull; /* FNV-1a */
    char buf[4096];
    ssize_t got;
    while ((got = read(fd, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < got; i++)
            hash = (hash ^ (unsigned char)buf[i]) * 1099511628211ull;
        length += (unsigned long long)got;
    }
    if (got < 0) { perror("ckpt_file: read"); return 1; }
    if (close(fd) != 0) { perror("ckpt_file: close"); return 1; }
    snprintf(report, sizeof report, "ckpt_file: done, %llu bytes, fnv %016llx\n", length, hash);
    say(report);
    return 0;
}
