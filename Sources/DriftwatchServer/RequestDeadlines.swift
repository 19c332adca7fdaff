import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// Per-connection read deadlines that hummingbird's idle timeout cannot give: it counts time since the last
/// *parsed* HTTP part, so a client dribbling a header byte by byte is only cut at `idle_timeout`, and one
/// dribbling a body a byte at a time is never cut. Here a request's head must be complete within `headerTimeout`
/// of its first byte, and its body within `bodyTimeout` of its head; otherwise the connection is closed.
/// Both handlers of a connection share one `RequestDeadlines` and run on its event loop.
final class RequestDeadlines {
    enum Phase { case waiting, readingHead, readingBody, responding }
    enum Reason: String { case headerTimeout = "header_timeout", bodyTimeout = "body_timeout" }

    let headerTimeout: TimeAmount
    let bodyTimeout: TimeAmount
    let onClose: @Sendable (Reason) -> Void
    var phase = Phase.waiting
    var scheduled: Scheduled<Void>?

    init(headerTimeout: TimeAmount, bodyTimeout: TimeAmount, onClose: @escaping @Sendable (Reason) -> Void) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.onClose = onClose
    }

    func enter(_ phase: Phase, channel: any Channel) {
        self.phase = phase
        scheduled?.cancel()
        scheduled = nil
        let reason: Reason
        let timeout: TimeAmount
        switch phase {
        case .readingHead: (reason, timeout) = (.headerTimeout, headerTimeout)
        case .readingBody: (reason, timeout) = (.bodyTimeout, bodyTimeout)
        case .waiting, .responding: return
        }
        scheduled = channel.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self] in
            guard let self, self.phase == phase else { return }
            self.scheduled = nil
            self.onClose(reason)
            channel.close(promise: nil)
        }
    }

    func cancel() {
        scheduled?.cancel()
        scheduled = nil
    }
}

/// First in the pipeline: the first byte of a request starts its header deadline.
final class RequestBytesWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    let deadlines: RequestDeadlines

    init(_ deadlines: RequestDeadlines) { self.deadlines = deadlines }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if deadlines.phase == .waiting { deadlines.enter(.readingHead, channel: context.channel) }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadlines.cancel()
        context.fireChannelInactive()
    }
}

/// After HTTP decoding: a head ends the header deadline and starts the body one; the request's end stops it;
/// the response's end waits for the next request.
final class RequestPartsWatcher: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart
    let deadlines: RequestDeadlines

    init(_ deadlines: RequestDeadlines) { self.deadlines = deadlines }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: deadlines.enter(.readingBody, channel: context.channel)
        case .body: break
        case .end: deadlines.enter(.responding, channel: context.channel)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // A response sent before its request was read whole (401, 413) leaves the body deadline running.
        if case .end = unwrapOutboundIn(data), deadlines.phase == .responding { deadlines.enter(.waiting, channel: context.channel) }
        context.write(data, promise: promise)
    }
}

/// hummingbird's HTTP/1 channel with `RequestDeadlines` around its decoder.
struct DeadlineHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let responder: HTTPChannelHandler.Responder
    let configuration: HTTP1Channel.Configuration
    let headerTimeout: TimeAmount
    let bodyTimeout: TimeAmount
    let onClose: @Sendable (RequestDeadlines.Reason) -> Void

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let deadlines = RequestDeadlines(headerTimeout: headerTimeout, bodyTimeout: bodyTimeout, onClose: onClose)
        do {
            try channel.pipeline.syncOperations.addHandler(RequestBytesWatcher(deadlines), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        var configuration = configuration
        let watcher = NIOLoopBound(deadlines, eventLoop: channel.eventLoop)
        configuration.additionalChannelHandlers = { [watcher] in [RequestPartsWatcher(watcher.value)] }
        return HTTP1Channel(responder: responder, configuration: configuration).setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await HTTP1Channel(responder: responder, configuration: configuration).handle(value: value, logger: logger)
    }
}
