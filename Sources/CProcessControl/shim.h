// What the worker zygote needs from Linux that Swift's Glibc module does not import: descriptor
// passing (the CMSG_* macros), signalfd, PR_SET_PDEATHSIG, close_range and pidfds. `static inline`,
// so this system module links nothing.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PC_MAX_FDS 4

/// Sends `length` bytes and `count` (at most 4) descriptors as one message; -1 with errno on failure.
static inline ssize_t pc_send_message(int socket, const void *data, size_t length, const int *fds, int count) {
    struct iovec iov = { (void *)data, length };
    union { char buffer[CMSG_SPACE(sizeof(int) * PC_MAX_FDS)]; struct cmsghdr align; } control;
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    if (count > 0) {
        if (count > PC_MAX_FDS) { errno = EINVAL; return -1; }
        memset(&control, 0, sizeof control);
        message.msg_control = control.buffer;
        message.msg_controllen = CMSG_SPACE(sizeof(int) * count);
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int) * count);
        memcpy(CMSG_DATA(header), fds, sizeof(int) * count);
    }
    ssize_t n;
    do { n = sendmsg(socket, &message, MSG_NOSIGNAL); } while (n < 0 && errno == EINTR);
    return n;
}

/// Receives one message and up to 4 descriptors (close-on-exec); `*count` says how many arrived.
/// Returns the byte count (0 at end of stream) or -1 with errno.
static inline ssize_t pc_receive_message(int socket, void *data, size_t length, int *fds, int *count) {
    struct iovec iov = { data, length };
    union { char buffer[CMSG_SPACE(sizeof(int) * PC_MAX_FDS)]; struct cmsghdr align; } control;
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control.buffer;
    message.msg_controllen = sizeof control.buffer;
    *count = 0;
    ssize_t n;
    do { n = recvmsg(socket, &message, MSG_CMSG_CLOEXEC); } while (n < 0 && errno == EINTR);
    if (n < 0) return n;
    for (struct cmsghdr *h = CMSG_FIRSTHDR(&message); h != NULL; h = CMSG_NXTHDR(&message, h)) {
        if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS) continue;
        int arrived = (int)((h->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        for (int i = 0; i < arrived; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(h) + i * sizeof(int), sizeof fd);
            if (*count < PC_MAX_FDS) fds[(*count)++] = fd; else close(fd);
        }
    }
    return n;
}

/// Blocks SIGCHLD and returns a non-blocking signalfd that reports it, or -1.
static inline int pc_sigchld_fd(void) {
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0) return -1;
    return signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
}

/// Empties a signalfd (the zygote reaps with waitpid anyway; the records only wake it).
static inline void pc_drain_signal_fd(int fd) {
    struct signalfd_siginfo info;
    while (read(fd, &info, sizeof info) == (ssize_t)sizeof info) {}
}

/// Unblocks every signal (a forked worker must not inherit the zygote's blocked SIGCHLD).
static inline int pc_unblock_all_signals(void) {
    sigset_t mask;
    sigemptyset(&mask);
    return sigprocmask(SIG_SETMASK, &mask, NULL);
}

/// Asks the kernel to send `signal` to this process when its parent thread ends.
static inline int pc_set_parent_death_signal(int signal) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0, 0, 0);
}

/// Bytes a pipe holds before a writer blocks (F_GETPIPE_SZ, Linux only), or -1.
static inline int pc_pipe_capacity(int fd) {
#ifdef F_GETPIPE_SZ
    return fcntl(fd, F_GETPIPE_SZ);
#else
    return fcntl(fd, 1032);  /* F_GETPIPE_SZ where the headers hide it without _GNU_SOURCE */
#endif
}

/// Closes every descriptor from `first` up: close_range(2) where the kernel has it, else one by one.
static inline void pc_close_from(int first) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned int)first, ~0U, 0) == 0) return;
#endif
    long limit = sysconf(_SC_OPEN_MAX);
    if (limit < 0 || limit > 65536) limit = 65536;
    for (int fd = first; fd < limit; fd++) close(fd);
}

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

/// A descriptor for process `pid` (close-on-exec) that polls readable once it has ended, and through
/// which it can be signalled without the risk of a reused pid; -1 with errno where the kernel lacks it.
static inline int pc_pidfd_open(pid_t pid) {
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

/// Sends `signal` to the process behind `pidfd`; 0, or -1 with errno (ESRCH once it has been reaped).
static inline int pc_pidfd_send_signal(int pidfd, int signal) {
    return (int)syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, 0);
}
