/*
 * `native CMD`: a command started by mosrun itself, outside supervision (no tracer, no seccomp
 * filter), on behalf of a supervised process that asked for it.
 *
 *   control thread (not the tracer)            child (after a raw fork)
 *   -------------------------------            ------------------------
 *   mosix_spawn_plain() ----- fork ----------> restore inherited dispositions and mask
 *                                              setpgid(pgid): the asker's job, for Ctrl-C
 *                                              chdir(cwd); stdin/out/err = the asker's
 *                                              execve(path); on failure: errno to err, _exit(127)
 *   errno or EOF  <--------------------------- (EOF: exec closed the CLOEXEC pipe)
 *   mosix_wait_child(pid): its wait status
 *
 * Forked from a thread other than the tracer thread: the tracer waits with __WNOTHREAD, so it
 * never sees, adopts or reaps this child; the thread that waits for it does.
 */
#define _GNU_SOURCE
#include "mosix.h"
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void plain_fail(int err_fd, int err)
{
    ssize_t ignored = write(err_fd, &err, sizeof err);
    (void)ignored;
    _exit(127);
}

static void plain_child(const char *path, char *const argv[], char *const envp[], const char *cwd,
                        const int fds[3], int pgid, int err_fd)
{
    mosix_child_restore_signals();
    if (pgid > 0 && setpgid(0, pgid) != 0)
        plain_fail(err_fd, errno);
    if (chdir(cwd) != 0)
        plain_fail(err_fd, errno);
    /* Lift the three out of 0..2 first, so that no dup2 overwrites one still to be placed. */
    int lifted[3];
    for (int i = 0; i < 3; i++)
        if ((lifted[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 10)) < 0)
            plain_fail(err_fd, errno);
    for (int i = 0; i < 3; i++)
        if (dup2(lifted[i], i) < 0)
            plain_fail(err_fd, errno);
    execve(path, argv, envp);
    plain_fail(err_fd, errno);
}

int mosix_spawn_plain(const char *path, char *const argv[], char *const envp[], const char *cwd,
                      const int fds[3], int pgid, int *out_pid)
{
    int err[2];
    if (pipe2(err, O_CLOEXEC) != 0)
        return -errno;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t pid = (pid_t)syscall(SYS_fork);
    if (pid == 0) {
        close(err[0]);
        plain_child(path, argv, envp, cwd, fds, pgid, err[1]);
    }
    int fork_errno = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(err[1]);
    if (pid < 0) {
        close(err[0]);
        return -fork_errno;
    }
    int child_errno = 0;
    ssize_t n;
    do n = read(err[0], &child_errno, sizeof child_errno); while (n < 0 && errno == EINTR);
    close(err[0]);
    if (n == (ssize_t)sizeof child_errno) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        return -child_errno;
    }
    *out_pid = pid;
    return 0;
}

int mosix_wait_child(int pid, int *out_status)
{
    int status;
    pid_t r;
    do r = waitpid(pid, &status, 0); while (r < 0 && errno == EINTR);
    if (r < 0)
        return -errno;
    *out_status = status;
    return 0;
}
