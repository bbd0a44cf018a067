/* waiting_calls: the calls that wait on descriptors, each printed with its result: poll and ppoll
 * on a pipe (empty, then with bytes in it), epoll_wait and epoll_pwait on the pipe and an eventfd
 * (fewer room than ready events, then room for all), an epoll_wait with no room at all (EINVAL),
 * and a poll that waits 50 ms for nothing. Prints "ready" and waits for a line on stdin first (a
 * test moves it away meanwhile): away from home every one is made at home, in the deputy. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

static void wait_line(void)
{
    char c;
    while (read(0, &c, 1) == 1 && c != '\n')
        ;
}

static void show_poll(const char *what, int r, struct pollfd *fds, int n)
{
    printf("%s: %d", what, r);
    if (r < 0)
        printf(" (%s)", strerror(errno));
    for (int i = 0; i < n; i++)
        printf(" fd%d=%#x", i, fds[i].revents);
    printf("\n");
}

static void show_epoll(const char *what, int r, struct epoll_event *events, int pipe_read, int counter)
{
    printf("%s: %d", what, r);
    if (r < 0)
        printf(" (%s)", strerror(errno));
    for (int i = 0; i < r; i++)
        printf(" %s=%#x", events[i].data.fd == pipe_read ? "pipe" : events[i].data.fd == counter ? "eventfd" : "?", events[i].events);
    printf("\n");
}

int main(void)
{
    int pipefd[2];
    if (pipe(pipefd) != 0)
        return 1;
    int counter = eventfd(0, EFD_NONBLOCK);
    printf("ready\n");
    fflush(stdout);
    wait_line();

    struct pollfd fds[2] = { { .fd = pipefd[0], .events = POLLIN }, { .fd = pipefd[1], .events = POLLOUT } };
    show_poll("poll, empty pipe", poll(fds, 2, 0), fds, 2);
    if (write(pipefd[1], "abc", 3) != 3)
        return 1;
    show_poll("poll, 3 bytes in", poll(fds, 2, 0), fds, 2);
    struct timespec zero = { 0, 0 };
    sigset_t none;
    sigemptyset(&none);
    show_poll("ppoll, 3 bytes in", ppoll(fds, 1, &zero, &none), fds, 1);

    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event watch = { .events = EPOLLIN, .data.fd = pipefd[0] };
    epoll_ctl(ep, EPOLL_CTL_ADD, pipefd[0], &watch);
    watch = (struct epoll_event){ .events = EPOLLIN, .data.fd = counter };
    epoll_ctl(ep, EPOLL_CTL_ADD, counter, &watch);
    uint64_t one = 1;
    if (write(counter, &one, sizeof one) != sizeof one)
        return 1;
    struct epoll_event events[8];
    memset(events, 0, sizeof events);
    int r = epoll_wait(ep, events, 1, 0);
    show_epoll("epoll_wait, room for 1 of 2", r, events, pipefd[0], counter);
    r = epoll_pwait(ep, events, 8, 0, &none);
    show_epoll("epoll_pwait, room for 8", r, events, pipefd[0], counter);
    volatile int no_room = -1; /* from a variable: the compiler would refuse a literal -1 */
    r = epoll_wait(ep, events, no_room, 0);
    show_epoll("epoll_wait, maxevents -1", r, events, pipefd[0], counter);

    struct pollfd nothing = { .fd = pipefd[1], .events = 0 };
    struct timespec before, after;
    clock_gettime(CLOCK_MONOTONIC, &before);
    r = poll(&nothing, 1, 50);
    clock_gettime(CLOCK_MONOTONIC, &after);
    long waited = (after.tv_sec - before.tv_sec) * 1000 + (after.tv_nsec - before.tv_nsec) / 1000000;
    printf("poll, 50 ms for nothing: %d, waited at least 50 ms: %s\n", r, waited >= 50 ? "yes" : "no");
    return 0;
}
