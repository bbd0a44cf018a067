/*
 * mosrun's control socket at the level of file descriptors.
 *
 * Every mosrun listens on a Unix socket for `migrate` requests, which are rare.
 * Creating it through .NET's socket stack costs every start-up ~15 ms (its
 * assemblies, its engine threads); these three calls cost microseconds, and the
 * managed side wraps a connection only when one arrives.
 */
#define _GNU_SOURCE
#include "mosix.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int mosix_listen_unix(const char *path)
{
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof addr.sun_path)
        return -ENAMETOOLONG;
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 8) != 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

/* The uid the kernel vouches for at the other end of a Unix socket, or -1. */
static long peer_uid(int fd)
{
    struct ucred cred;
    socklen_t length = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0 || length < sizeof cred)
        return -1;
    return cred.uid;
}

int mosix_accept(int listen_fd)
{
    /* Only the user who runs this mosrun may talk to it: `native CMD` starts commands as that
     * user, and move or chkexit act on the process. The folder is the user's alone (FolderTrust);
     * this holds even if it were not. Anybody else's connection is closed unanswered. */
    for (;;) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (peer_uid(fd) == (long)geteuid())
            return fd;
        close(fd);
    }
}

int mosix_shutdown(int fd)
{
    /* Wakes a thread blocked in accept on this socket (close alone would not). */
    return shutdown(fd, SHUT_RDWR) == 0 ? 0 : -errno;
}

const char *mosix_program_name(void)
{
    extern char *program_invocation_short_name;
    return program_invocation_short_name;
}
