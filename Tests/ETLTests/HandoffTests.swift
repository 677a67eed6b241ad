@testable import ETLKit
import Testing

/// The runner's channel: order, back-pressure, buffer, finish and cancellation.
@Suite struct HandoffTests {
    @Test(arguments: [0, 1, 4])
    func deliversEverythingInOrder(capacity: Int) async {
        let channel = Handoff<Int>(capacity: capacity)
        async let sent: Void = {
            for value in 0..<100 { await channel.send(value) }
            channel.finish()
        }()
        var received: [Int] = []
        while let value = await channel.next() { received.append(value) }
        await sent
        #expect(received == Array(0..<100))
    }

    @Test func aBufferedSendDoesNotWaitAndFinishKeepsTheBuffer() async {
        let channel = Handoff<Int>(capacity: 3)
        for value in 0..<3 { await channel.send(value) }  // would wait for ever without the buffer
        channel.finish()
        await channel.send(99)  // after finish: dropped at once
        var received: [Int] = []
        while let value = await channel.next() { received.append(value) }
        #expect(received == [0, 1, 2])
    }

    @Test func cancelledWaitsEnd() async {
        let channel = Handoff<Int>()
        let receiver = Task { await channel.next() }
        let sender = Task { await channel.send(1) }
        // The send may meet the receiver first; either way both tasks end once cancelled.
        receiver.cancel()
        sender.cancel()
        _ = await receiver.value
        await sender.value
        let lone = Task { await channel.next() }
        lone.cancel()
        #expect(await lone.value == nil)
    }
}
