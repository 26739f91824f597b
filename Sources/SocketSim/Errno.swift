/// The error numbers a real program gets back from the socket calls the simulator models.
///
/// A scenario that does something illegal gets one of these as the call's result, exactly as a C
/// program would, never a crash: students try illegal things on purpose.
public enum Errno: String, CaseIterable, Sendable, Hashable, Codable, Error {
    case EADDRINUSE, EADDRNOTAVAIL, EALREADY, EBADF, ECONNREFUSED, ECONNRESET, EHOSTUNREACH
    case EINPROGRESS, EINVAL, EISCONN, ENOTCONN, EPIPE, ETIMEDOUT, EWOULDBLOCK, EMFILE

    /// One sentence on what the error means here, for traces and feedback.
    public var meaning: String {
        switch self {
        case .EADDRINUSE: return "the local address and port are already held by another socket"
        case .EADDRNOTAVAIL: return "the address is not one of this host's addresses"
        case .EALREADY: return "a connect is already in progress on this socket"
        case .EBADF: return "the descriptor is not open"
        case .ECONNREFUSED: return "nobody listens on that port: the peer answered with RST"
        case .ECONNRESET: return "the peer reset the connection (RST)"
        case .EHOSTUNREACH: return "no host has that address"
        case .EINPROGRESS: return "the non-blocking connect has started and will finish later"
        case .EINVAL: return "the call makes no sense in the socket's current state"
        case .EISCONN: return "the socket is already connected"
        case .ENOTCONN: return "the socket is not connected"
        case .EPIPE: return "this side can no longer send (shut down, closed, or the peer is gone)"
        case .ETIMEDOUT: return "the peer never answered the retransmissions"
        case .EWOULDBLOCK: return "the call would have to block, and the socket is non-blocking"
        case .EMFILE: return "too many descriptors are open"
        }
    }
}
