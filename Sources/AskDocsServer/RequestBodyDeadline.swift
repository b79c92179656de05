// The read timeout for request bodies: Hummingbird's idle timeout (the header-read timeout, see
// `ServerConfiguration.http1`) is reset by every body part, so a client trickling a body a byte a second
// would hold its connection for ever. This closes a connection whose request body has not fully arrived
// within the limit of its head.

import NIOCore
import NIOHTTPTypes

final class RequestBodyDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    let limit: TimeAmount
    private var pending: Scheduled<Void>?

    init(limit: TimeAmount) { self.limit = limit }

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
