// zlib, for inflating archives that `keyward scan` looks inside (.zip, .jar, .tar.gz).
// The system library is on every Linux that has Foundation (which links it itself).
#include <zlib.h>
