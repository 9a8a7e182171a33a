// Debian's libpq-dev installs the header under /usr/include/postgresql; pkg-config libpq gives that folder.
#include <libpq-fe.h>
