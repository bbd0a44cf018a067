/* Descriptors only the process holds, to checkpoint mid-run: a pipe both of whose ends it keeps, with bytes in
 * it all along (a delay line: each step reads the oldest byte and writes a new one); an eventfd in semaphore
 * mode; and an epoll instance watching both (level-triggered: an edge-triggered watch made again at restore may
 * report once more, the spurious edge its callers must allow anyway). Each step, 30 ms apart, prints the
 * byte that came out of the pipe, what epoll reports ready, and the eventfd's answer: after a restart all of it
 * must go on as if nothing had happened. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define STEPS 60

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) { perror("pipe2"); return 1; }
    const char *start = "mosix-delay-line";
    if (write(p[1], start, strlen(start)) != (ssize_t)strlen(start)) { perror("write"); return 1; }
    int counter = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    int poll = epoll_create1(EPOLL_CLOEXEC);
    if (counter < 0 || poll < 0) { perror("eventfd/epoll"); return 1; }
    struct epoll_event on_pipe = { .events = EPOLLIN, .data.u64 = 111 }, on_counter = { .events = EPOLLIN, .data.u64 = 222 };
    if (epoll_ctl(poll, EPOLL_CTL_ADD, p[0], &on_pipe) != 0 || epoll_ctl(poll, EPOLL_CTL_ADD, counter, &on_counter) != 0) { perror("epoll_ctl"); return 1; }

    for (int step = 1; step <= STEPS; step++) {
        if (step % 3 == 0) {
            uint64_t one = 1;
            if (write(counter, &one, sizeof one) != sizeof one) { perror("eventfd write"); return 1; }
        }
        struct epoll_event ready[4];
        int n = epoll_wait(poll, ready, 4, 0);
        unsigned long long seen = 0;
        for (int i = 0; i < n; i++)
            seen = seen * 1000 + ready[i].data.u64;
        uint64_t taken = 0;
        int took = read(counter, &taken, sizeof taken) == sizeof taken;
        char out;
        if (read(p[0], &out, 1) != 1) { perror("pipe read"); return 1; }
        char in = (char)('a' + step % 26);
        if (write(p[1], &in, 1) != 1) { perror("pipe write"); return 1; }
        printf("ckpt_private_fds: step %d out '%c' ready %llu eventfd %s\n", step, out, seen, took ? "1" : "empty");
        struct timespec pause_for = { 0, 30 * 1000 * 1000 };
        nanosleep(&pause_for, NULL);
    }
    char rest[64] = { 0 };
    int flags = fcntl(p[0], F_GETFL);
    fcntl(p[0], F_SETFL, flags | O_NONBLOCK);
    ssize_t got = read(p[0], rest, sizeof rest - 1);
    int left = 0;
    uint64_t taken;
    while (read(counter, &taken, sizeof taken) == sizeof taken)
        left++;
    printf("ckpt_private_fds: done, pipe holds \"%s\", eventfd had %d left\n", got > 0 ? rest : "", left);
    return 0;
}
