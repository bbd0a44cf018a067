/* tcp_pingpong.c - the loopback TCP round trip, the yardstick of a forwarded call.
 *
 * usage: tcp_pingpong COUNT [SIZE]
 *
 * Forks; parent and child exchange COUNT messages of SIZE bytes (default 32, about a forwarded
 * call's frame) over a loopback TCP connection with TCP_NODELAY, each side blocking in read,
 * as mosrun and a guest host do. Prints the mean round trip in microseconds ("us/rtt N.NN") on
 * stderr.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void whole(int fd, char *buf, size_t n, int writing)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = writing ? write(fd, buf + done, n - done) : read(fd, buf + done, n - done);
        if (r <= 0) { perror(writing ? "write" : "read"); exit(1); }
        done += (size_t)r;
    }
}

int main(int argc, char **argv)
{
    long count = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
    size_t size = argc > 2 ? strtoul(argv[2], NULL, 10) : 32;
    char *buf = calloc(1, size);
    int listener = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof addr;
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) || listen(listener, 1) ||
        getsockname(listener, (struct sockaddr *)&addr, &len)) { perror("listen"); return 1; }
    pid_t child = fork();
    if (child == 0) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(s, (struct sockaddr *)&addr, sizeof addr)) { perror("connect"); _exit(1); }
        for (long i = 0; i < count; i++) { whole(s, buf, size, 0); whole(s, buf, size, 1); }
        _exit(0);
    }
    int s = accept(listener, NULL, NULL);
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < count; i++) { whole(s, buf, size, 1); whole(s, buf, size, 0); }
    clock_gettime(CLOCK_MONOTONIC, &b);
    waitpid(child, NULL, 0);
    double us = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e3 / count;
    fprintf(stderr, "us/rtt %.2f\n", us);
    printf("%ld round trips of %zu bytes\n", count, size);
    return 0;
}
