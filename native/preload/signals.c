/*
 * mosrun's own signals.
 *
 * The program and mosrun share a process group, so the terminal's signals
 * (Ctrl-C, Ctrl-\, Ctrl-Z, window size) reach the program directly; they come
 * with si_code SI_KERNEL and mosrun ignores them. A signal sent to mosrun by a
 * process (kill, timeout, a parent) is counted here and the tracer thread is
 * woken to pass it on. The tracer also sees every signal the program gets, so
 * it can tell a signal sent to the whole group (already there) from one aimed
 * at mosrun alone.
 *
 * The .NET runtime installs handlers of its own and ignores SIGPIPE; a program
 * must not inherit that. mosix_signals_init() runs first thing in Main and
 * remembers which signals mosrun inherited as ignored; the child gets exactly
 * those ignored and every other one at its default.
 */
#define _GNU_SOURCE
#include "mosix.h"
#include "internal.h"
#include <stdatomic.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_SIGNO 64

static sigset_t g_inherited_ignored;
static sigset_t g_inherited_mask;
static atomic_int g_forwarded[MAX_SIGNO + 1];
static int g_tracer_tid;
static struct sigaction g_forward_action;

int mosix_gettid(void) { return (int)syscall(SYS_gettid); }

int mosix_signals_init(void)
{
    sigemptyset(&g_inherited_ignored);
    pthread_sigmask(SIG_SETMASK, NULL, &g_inherited_mask);
    for (int sig = 1; sig <= MAX_SIGNO; sig++) {
        struct sigaction current;
        /* The runtime sets SIGPIPE to ignored before Main; assume it was default. */
        if (sig == SIGPIPE || sig == SIGKILL || sig == SIGSTOP)
            continue;
        if (sigaction(sig, NULL, &current) == 0 && current.sa_handler == SIG_IGN)
            sigaddset(&g_inherited_ignored, sig);
    }
    /* With SIGCHLD ignored, the kernel reaps children itself and the runtime reaps
     * with waitpid(-1): either would steal our tracees' statuses. */
    if (sigismember(&g_inherited_ignored, SIGCHLD))
        signal(SIGCHLD, SIG_DFL);
    return 0;
}

void mosix_child_restore_signals(void)
{
    for (int sig = 1; sig <= MAX_SIGNO; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP)
            continue;
        signal(sig, sigismember(&g_inherited_ignored, sig) ? SIG_IGN : SIG_DFL);
    }
    pthread_sigmask(SIG_SETMASK, &g_inherited_mask, NULL);
}

static void on_forwardable(int signo, siginfo_t *info, void *context)
{
    (void)context;
    if (info->si_code == SI_KERNEL)
        return; /* from the terminal: the program, in our process group, has it too */
    atomic_fetch_add(&g_forwarded[signo], 1);
    if (g_tracer_tid > 0)
        mosix_wake(g_tracer_tid);
}

int mosix_signals_forward(const int *signos, int count, int tracer_tid)
{
    g_tracer_tid = tracer_tid;
    memset(&g_forward_action, 0, sizeof g_forward_action);
    g_forward_action.sa_sigaction = on_forwardable;
    g_forward_action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&g_forward_action.sa_mask);
    for (int i = 0; i < count; i++) {
        int sig = signos[i];
        /* A signal mosrun inherited as ignored (nohup, background jobs) stays ignored. */
        if (sig < 1 || sig > MAX_SIGNO || sigismember(&g_inherited_ignored, sig))
            continue;
        if (sigaction(sig, &g_forward_action, NULL) != 0)
            return -errno;
    }
    return 0;
}

int mosix_signals_take(int signo)
{
    if (signo < 1 || signo > MAX_SIGNO)
        return -EINVAL;
    return atomic_exchange(&g_forwarded[signo], 0);
}

int mosix_stop_self(int signo)
{
    /* Stop the way the program stopped, so the shell's job control sees it. */
    struct sigaction dfl, saved;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    int stop = signo == SIGSTOP ? SIGSTOP : signo;
    if (stop != SIGSTOP && sigaction(stop, &dfl, &saved) != 0)
        return -errno;
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, stop);
    pthread_sigmask(SIG_UNBLOCK, &one, NULL);
    /* Thread-directed at ourselves: this thread takes it on the way out of the call, so the
     * whole process is stopped before our handler is put back. (kill(getpid()) would target
     * the main thread, which may take it only after the handler is back.) */
    syscall(SYS_tgkill, getpid(), mosix_gettid(), stop);
    if (stop != SIGSTOP)
        sigaction(stop, &saved, NULL);
    return 0;
}

void mosix_die_by_signal(int signo)
{
    /* Die as the program died, without dumping mosrun's own core. */
    struct rlimit no_core = { 0, 0 };
    setrlimit(RLIMIT_CORE, &no_core);
    signal(signo, SIG_DFL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, signo);
    pthread_sigmask(SIG_UNBLOCK, &one, NULL);
    syscall(SYS_tgkill, getpid(), mosix_gettid(), signo);
    /* A signal whose default is to be ignored (e.g. SIGCHLD) cannot kill us. */
    _exit(128 + signo);
}
