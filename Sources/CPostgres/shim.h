#ifndef ETL_CPOSTGRES_SHIM_H
#define ETL_CPOSTGRES_SHIM_H

// libpq, PostgreSQL's C client (Debian: libpq-dev; pkg-config: libpq).
#include <libpq-fe.h>

// The error fields are character macros (PG_DIAG_*), which Swift does not import: these give them.
static inline const char *etl_pq_sqlstate(const PGresult *result) {
    return PQresultErrorField(result, PG_DIAG_SQLSTATE);
}
static inline const char *etl_pq_primary_message(const PGresult *result) {
    return PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
}
static inline const char *etl_pq_detail(const PGresult *result) {
    return PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
}

// A notice processor that drops the server's notices (libpq's default prints them to stderr).
static inline void etl_pq_ignore_notice(void *context, const char *message) {
    (void)context;
    (void)message;
}

#endif
