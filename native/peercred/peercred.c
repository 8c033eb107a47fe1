/*
 * peerCredentials(fd): the credentials the kernel recorded for the process at the other end of a
 * connected Unix socket. Unlike anything the client says about itself, these cannot be forged.
 * Returns { pid, uid, gid } (pid is -1 where the platform cannot tell), or throws with errno text.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>
#ifdef __APPLE__
#include <sys/un.h>
#include <sys/ucred.h>
#endif
#include <node_api.h>

static napi_value set_number(napi_env env, napi_value object, const char *name, double value) {
  napi_value number;
  napi_create_double(env, value, &number);
  napi_set_named_property(env, object, name, number);
  return object;
}

static napi_value peer_credentials(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) {
    napi_throw_type_error(env, NULL, "peerCredentials(fd) needs a file descriptor");
    return NULL;
  }
  double pid = -1, uid, gid;
#if defined(__linux__)
  struct ucred cred;
  socklen_t len = sizeof(cred);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    napi_throw_error(env, NULL, strerror(errno));
    return NULL;
  }
  pid = cred.pid;
  uid = cred.uid;
  gid = cred.gid;
#elif defined(__APPLE__)
  uid_t euid;
  gid_t egid;
  if (getpeereid(fd, &euid, &egid) != 0) {
    napi_throw_error(env, NULL, strerror(errno));
    return NULL;
  }
  uid = euid;
  gid = egid;
  pid_t peer_pid;
  socklen_t len = sizeof(peer_pid);
  if (getsockopt(fd, SOL_LOCAL, LOCAL_PEERPID, &peer_pid, &len) == 0) pid = peer_pid;
#else
  napi_throw_error(env, NULL, "peer credentials are not supported on this platform");
  return NULL;
#endif
  napi_value result;
  napi_create_object(env, &result);
  set_number(env, result, "pid", pid);
  set_number(env, result, "uid", uid);
  set_number(env, result, "gid", gid);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "peerCredentials", NAPI_AUTO_LENGTH, peer_credentials, NULL, &fn);
  napi_set_named_property(env, exports, "peerCredentials", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
