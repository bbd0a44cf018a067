/* A call only home can make: prints "started", blocks reading one byte of stdin (it is moved away
 * meanwhile), then forks; the child prints its own line and exits 7; the parent reaps it and prints
 * the status. Away from home the fork brings the process home first. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    pid_t pid = getpid();
    printf("migrate_fork: started\n");
    fflush(stdout);
    char go;
    if (read(0, &go, 1) != 1) { perror("read stdin"); return 1; }
    pid_t child = fork();
    if (child < 0) { perror("fork"); return 1; }
    if (child == 0) {
        printf("child: parent is the original process: %s\n", getppid() == pid ? "yes" : "no");
        fflush(stdout);
        _exit(7);
    }
    int status;
    if (waitpid(child, &status, 0) != child) { perror("waitpid"); return 1; }
    printf("parent: child exited %d; same pid: %s\n", WEXITSTATUS(status), getpid() == pid ? "yes" : "no");
    return 0;
}
