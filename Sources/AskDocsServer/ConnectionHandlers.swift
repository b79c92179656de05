// What the HTTP/1 channel needs beyond Hummingbird's own handlers: a deadline for request bodies, and
// HTTP/1.0's "one request per connection" (the version is gone by the time Hummingbird sees a request).

import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// The read timeout for request bodies: Hummingbird's idle timeout (the header-read timeout, see
/// `ServerConfiguration.http1`) is reset by every body part, so a client trickling a body a byte a second
/// would hold its connection for ever. This closes a connection whose request body has not fully arrived
/// within the limit of its head.
final class RequestBodyDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    let limit: TimeAmount
    private var pending: Scheduled<Void>?

    init(limit: TimeAmount) { self.limit = limit }

    /// Added after Hummingbird's HTTP/1 → HTTP types codec, it puts `ConnectionCloseForHTTP10` in front of
    /// that codec, where the request's version can still be seen.
    func handlerAdded(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        if let codec = try? pipeline.handler(type: HTTP1ToHTTPServerCodec.self) {
            try? pipeline.addHandler(ConnectionCloseForHTTP10(), position: .before(codec))
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            pending?.cancel()
            // The handler and its context live on the channel's event loop, as does the scheduled task.
            let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            pending = context.eventLoop.assumeIsolated().scheduleTask(in: limit) {
                loopBoundContext.value.close(promise: nil)
            }
        case .body:
            break
        case .end:
            pending?.cancel()
            pending = nil
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        pending?.cancel()
        pending = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        pending?.cancel()
        pending = nil
    }
}

/// An HTTP/1.0 request without `Connection: keep-alive` (and any request that asks to close) is marked
/// `Connection: close`, which Hummingbird honours by closing after the response. Without it an HTTP/1.0
/// client, which waits for the close to know the response has ended, held its connection until the idle
/// timeout.
final class ConnectionCloseForHTTP10: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data), !head.isKeepAlive,
              head.headers.first(name: "connection")?.lowercased() != "close" else {
            context.fireChannelRead(data)
            return
        }
        head.headers.replaceOrAdd(name: "Connection", value: "close")
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}
