import Diagrams
import SocketSim
import Testing

/// The throughput model counts waits with the simulator; these check the counting at its edges and
/// that the curve has the shape section 6.3 describes.
@Suite struct ThroughputModelTests {
    @Test func aSendThatFitsInBothQueuesNeverWaits() {
        // send of exactly SQS + RQS: TCP moves SQS bytes to RecvQ and the rest fit in SendQ.
        #expect(ThroughputModel.waits(size: 500, bytes: 1_000) == 0)
        #expect(ThroughputModel.waits(size: 500, bytes: 1) == 0)
    }

    @Test func oneByteMoreThanSQSPlusRQSWaitsOnce() {
        #expect(ThroughputModel.waits(size: 500, bytes: 1_001) == 1)
    }

    @Test func everyRecvOfSFreesRoomForSMoreBytes() {
        // n bytes need (n - 2S) / S further recv calls before send can return.
        for size in [100, 250, 500, 1_000] {
            let bytes = 20_000
            let w = ThroughputModel.waits(size: size, bytes: bytes)
            #expect(w == (bytes - 2 * size + size - 1) / size, "S = \(size)")
        }
    }

    @Test func biggerBuffersWaitLessAndGoFaster() {
        let points = ThroughputModel.points(sizes: ThroughputModel.defaultSizes, bytes: 1_000_000)
        #expect(points.map(\.size) == ThroughputModel.defaultSizes)
        for (a, b) in zip(points, points.dropFirst()) {
            #expect(a.waits > b.waits)
            #expect(a.mbps < b.mbps)
        }
        // Never faster than the copying alone: 1 ns per byte is 1000 MB/s.
        #expect(points.allSatisfy { $0.mbps < 1_000 })
    }

    @Test func costModelArithmetic() {
        #expect(ThroughputModel.throughput(bytes: 1_000_000, waits: 0) == 1_000)
        #expect(abs(ThroughputModel.throughput(bytes: 1_000_000, waits: 20, perByteNs: 1, perWaitUs: 50) - 500) < 1e-9)
    }
}
