import Testing

@testable import ETLKit

/// The runner's rendezvous channel: order, finish and cancellation.
@Suite struct HandoffTests {
    @Test func deliversEverythingInOrder() async {
        let channel = Handoff<Int>()
        async let sent: Void = {
            for value in 0..<100 { await channel.send(value) }
            channel.finish()
        }()
        var received: [Int] = []
        while let value = await channel.next() { received.append(value) }
        await sent
        #expect(received == Array(0..<100))
    }

    @Test func afterFinishSendsReturnAndReceiversGetNil() async {
        let channel = Handoff<Int>()
        channel.finish()
        await channel.send(1)  // would wait for ever on an open rendezvous channel
        #expect(await channel.next() == nil)
    }

    @Test func cancelledWaitsEnd() async {
        let channel = Handoff<Int>()
        let receiver = Task { await channel.next() }
        let sender = Task { await channel.send(1) }
        // The send may meet the receiver first; either way both tasks end once cancelled.
        receiver.cancel()
        sender.cancel()
        _ = await receiver.value
        _ = await sender.value
        let lone = Task { await channel.next() }
        lone.cancel()
        #expect(await lone.value == nil)
    }
}
