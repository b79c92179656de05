// OpenBLAS's CBLAS interface (Debian libopenblas-dev; pkg-config openblas gives its include folder).
#include <cblas.h>
