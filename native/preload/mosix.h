/*
 * libmosix: the few things the supervisor must do in C.
 *
 *  - spawn.c    fork a child that waits for the tracer thread to seize it, then
 *               sets no_new_privs, installs the seccomp filter and execs
 *               (fork and exec never happen in managed code: DESIGN.md, hard parts)
 *  - wait.c     the tracer thread's wait, which another thread can interrupt
 *               without losing an event (waitid WNOWAIT + a thread-directed signal)
 *  - signals.c  what mosrun does with its own signals: remember the dispositions the
 *               program must inherit, forward signals aimed at mosrun, stop or die
 *               the way the supervised program did
 *  - control.c  mosrun's control socket without the managed socket stack
 *  - native_spawn.c  `native CMD`: a command started outside supervision, and its wait
 *
 * Every function returns 0 or a positive value on success and -errno on failure,
 * so the managed side never reads errno.
 */
#ifndef MOSIX_H
#define MOSIX_H

#include <linux/filter.h>
#include <sys/types.h>

/* spawn.c */
int mosix_spawn(const char *path, char *const argv[], char *const envp[],
                const struct sock_filter *filter, unsigned short filter_len,
                int *out_pid, int *out_go_fd, int *out_err_fd);
int mosix_spawn_release(int go_fd);
int mosix_spawn_exec_errno(int err_fd);

/* native_spawn.c */
int mosix_spawn_plain(const char *path, char *const argv[], char *const envp[], const char *cwd,
                      const int fds[3], int pgid, int *out_pid);
int mosix_wait_child(int pid, int *out_status);

/* wait.c */
int mosix_wait_init(int wake_signo);
int mosix_wait_next(int nohang, int *out_pid, int *out_status);
int mosix_wake(int tid);

/* signals.c */
int mosix_signals_init(void);
int mosix_signals_forward(const int *signos, int count, int tracer_tid);
int mosix_signals_take(int signo);
int mosix_stop_self(int signo);
void mosix_die_by_signal(int signo);
int mosix_gettid(void);

/* control.c */
int mosix_listen_unix(const char *path);
int mosix_accept(int listen_fd); /* connections of this euid only */
int mosix_shutdown(int fd);
const char *mosix_program_name(void);

#endif
