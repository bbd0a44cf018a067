/*
 * The tracer thread's wait, interruptible without losing an event.
 *
 * The tracer thread blocks in waitid() until a tracee changes state. Other
 * threads (commands, forwarded signals) wake it with a thread-directed signal.
 * The race to close: the wake signal may arrive just before the thread enters
 * waitid(), and would then be lost. So the handler does not merely interrupt,
 * it siglongjmps out of the armed region, wherever the thread is in it:
 *
 *   sigsetjmp ---- armed: unblock wake; waitid(WNOWAIT); block wake ---- disarm
 *        ^                           |
 *        +--------- handler ---------+  (returns "woken")
 *
 * waitid() runs with WNOWAIT, so it only peeks: if the jump happens after it
 * returned, the event is still waitable and the next call sees it. The event
 * is consumed by a second, specific waitpid() outside the armed region.
 * __WNOTHREAD: each tracer thread waits only for its own tracees, so several
 * supervised trees can live in one process.
 */
#define _GNU_SOURCE
#include "mosix.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int g_wake_signo;
static __thread sigjmp_buf t_jump;
static __thread volatile sig_atomic_t t_armed;

static void on_wake(int signo)
{
    (void)signo;
    if (t_armed) {
        t_armed = 0;
        siglongjmp(t_jump, 1);
    }
}

int mosix_wait_init(int wake_signo)
{
    if (g_wake_signo == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_wake; /* no SA_RESTART: interrupt the wait */
        sigemptyset(&sa.sa_mask);
        if (sigaction(wake_signo, &sa, NULL) != 0)
            return -errno;
        g_wake_signo = wake_signo;
    }
    sigset_t wake;
    sigemptyset(&wake);
    sigaddset(&wake, g_wake_signo);
    return -pthread_sigmask(SIG_BLOCK, &wake, NULL);
}

int mosix_wait_next(int nohang, int *out_pid, int *out_status)
{
    const int flags = WEXITED | WSTOPPED | __WALL | __WNOTHREAD;
    siginfo_t info;
    sigset_t wake;
    sigemptyset(&wake);
    sigaddset(&wake, g_wake_signo);

    if (sigsetjmp(t_jump, 1) != 0)
        return 0; /* woken; the saved mask (wake blocked) is back */

    memset(&info, 0, sizeof info);
    t_armed = 1;
    pthread_sigmask(SIG_UNBLOCK, &wake, NULL);
    /* The raw call: glibc's waitid is a cancellation point, not safe to jump out of. */
    long r = syscall(SYS_waitid, P_ALL, 0, &info, flags | WNOWAIT | (nohang ? WNOHANG : 0), NULL);
    int peek_errno = errno;
    pthread_sigmask(SIG_BLOCK, &wake, NULL);
    t_armed = 0;

    if (r < 0)
        return peek_errno == EINTR ? 0 : -peek_errno;
    if (info.si_pid == 0)
        return 0; /* WNOHANG and nothing to report */

    int status = 0;
    pid_t pid;
    do pid = waitpid(info.si_pid, &status, __WALL | __WNOTHREAD);
    while (pid < 0 && errno == EINTR);
    if (pid < 0)
        return -errno;
    *out_pid = pid;
    *out_status = status;
    return 1;
}

int mosix_wake(int tid)
{
    if (syscall(SYS_tgkill, getpid(), tid, g_wake_signo) != 0)
        return -errno;
    return 0;
}
