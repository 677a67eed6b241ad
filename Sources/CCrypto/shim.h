#ifndef ETL_CCRYPTO_SHIM_H
#define ETL_CCRYPTO_SHIM_H

// OpenSSL's libcrypto, for its message digests only (EVP_Digest*: SHA-256, SHA-1).
#include <openssl/evp.h>

#endif
