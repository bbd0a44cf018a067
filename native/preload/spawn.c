/*
 * Spawning a traced child, in C because forking a .NET process is unsafe.
 *
 *   tracer thread                      child (after a raw fork)
 *   -------------                      ------------------------
 *   mosix_spawn() ------ fork -------> restore inherited dispositions and mask
 *                                      read(go) ... blocks
 *   PTRACE_SEIZE(child, options)
 *   mosix_spawn_release(go) -- byte -> prctl(NO_NEW_PRIVS); seccomp(filter)
 *                                      execve(path)  -> PTRACE_EVENT_EXEC stop
 *                                      on failure: write(err, errno); _exit(127)
 *   mosix_spawn_exec_errno(err)  <---- errno, or EOF when exec closed the pipe
 *
 * The filter is installed only after the tracer has attached: with
 * SECCOMP_RET_TRACE and no tracer, trapped calls fail with ENOSYS.
 * The raw fork system call skips glibc's atfork handlers; the child then uses
 * only async-signal-safe calls until execve.
 */
#define _GNU_SOURCE
#include "mosix.h"
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

static void child_fail(int err_fd, int err)
{
    ssize_t ignored = write(err_fd, &err, sizeof err);
    (void)ignored;
    _exit(127);
}

static void child_run(const char *path, char *const argv[], char *const envp[],
                      const struct sock_filter *filter, unsigned short filter_len,
                      int go_fd, int err_fd)
{
    mosix_child_restore_signals();

    char go;
    ssize_t n;
    do n = read(go_fd, &go, 1); while (n < 0 && errno == EINTR);
    if (n != 1)
        _exit(127); /* the tracer never attached: do not run untraced */

    if (filter_len > 0) {
        struct sock_fprog prog = { .len = filter_len, .filter = (struct sock_filter *)filter };
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
            child_fail(err_fd, errno);
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
            child_fail(err_fd, errno);
    }
    /* NULL: exactly the environment this process was given, in its order. */
    execve(path, argv, envp != NULL ? envp : environ);
    child_fail(err_fd, errno);
}

int mosix_spawn(const char *path, char *const argv[], char *const envp[],
                const struct sock_filter *filter, unsigned short filter_len,
                int *out_pid, int *out_go_fd, int *out_err_fd)
{
    int go[2], err[2];
    if (pipe2(go, O_CLOEXEC) != 0)
        return -errno;
    if (pipe2(err, O_CLOEXEC) != 0) {
        int e = errno;
        close(go[0]); close(go[1]);
        return -e;
    }

    /* No signal handler may run in the child before it has reset them. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);

    pid_t pid = (pid_t)syscall(SYS_fork);
    if (pid == 0) {
        close(go[1]);
        close(err[0]);
        child_run(path, argv, envp, filter, filter_len, go[0], err[1]);
    }
    int fork_errno = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(go[0]);
    close(err[1]);
    if (pid < 0) {
        close(go[1]);
        close(err[0]);
        return -fork_errno;
    }
    *out_pid = pid;
    *out_go_fd = go[1];
    *out_err_fd = err[0];
    return 0;
}

int mosix_spawn_release(int go_fd)
{
    char go = 1;
    ssize_t n;
    do n = write(go_fd, &go, 1); while (n < 0 && errno == EINTR);
    int e = n == 1 ? 0 : -errno;
    close(go_fd);
    return e;
}

int mosix_spawn_exec_errno(int err_fd)
{
    /* Called once the child has exec'd or exited, so this never blocks for long. */
    int child_errno = 0;
    ssize_t n;
    do n = read(err_fd, &child_errno, sizeof child_errno); while (n < 0 && errno == EINTR);
    close(err_fd);
    return n == (ssize_t)sizeof child_errno ? child_errno : 0;
}
