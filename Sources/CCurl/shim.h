// Swift cannot call C variadic functions, and curl_easy_setopt / curl_easy_getinfo are variadic.
// One static inline wrapper per argument type is all Swift needs (no separate C target).
#include <curl/curl.h>

/// The signature of CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION.
typedef size_t (*simulate_curl_data_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode simulate_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode simulate_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode simulate_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode simulate_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode simulate_curl_setopt_callback(CURL *handle, CURLoption option, simulate_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode simulate_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode simulate_curl_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}
