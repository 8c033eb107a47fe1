export interface PeerCredentials {
  /** -1 where the platform cannot tell. */
  pid: number;
  uid: number;
  gid: number;
}

/** @throws when fd is not a connected Unix socket, or on platforms without peer credentials. */
export function peerCredentials(fd: number): PeerCredentials;
