/* sandbox_probe: what a guest can reach of the node it runs on. Waits for a line on stdin (the
 * test moves it away first), then, printing one line per step:
 *   writes DIR/x, reads DIR/private, ptrace-attaches VICTIM, sends VICTIM SIGKILL,
 *   opens a TCP socket (and says which descriptor it got);
 * then waits for a second line (the test looks at the socket meanwhile) and exits. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <unistd.h>

static void said(const char *step, long r)
{
    if (r < 0)
        printf("%s: %s\n", step, strerror(errno));
    else
        printf("%s: ok\n", step);
    fflush(stdout);
}

static int line(void)
{
    char c;
    while (read(0, &c, 1) == 1)
        if (c == '\n')
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: sandbox_probe DIR VICTIM_PID\n");
        return 2;
    }
    char path[4096];
    pid_t victim = (pid_t)atoi(argv[2]);
    if (!line())
        return 1;

    snprintf(path, sizeof path, "%s/x", argv[1]);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    said("write x", fd < 0 ? -1 : write(fd, "from the guest\n", 15));
    if (fd >= 0)
        close(fd);

    snprintf(path, sizeof path, "%s/private", argv[1]);
    fd = open(path, O_RDONLY);
    char text[256] = "";
    ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof text - 1);
    if (n < 0)
        said("private", -1);
    else
        printf("private: %.*s", (int)n, text);
    fflush(stdout);

    said("ptrace", ptrace(PTRACE_ATTACH, victim, 0, 0));
    said("kill", kill(victim, SIGKILL));

    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0)
        said("socket", -1);
    else
        printf("socket: descriptor %d\n", s);
    fflush(stdout);
    line();
    return 0;
}
