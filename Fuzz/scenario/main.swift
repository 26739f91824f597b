import FuzzHarness

/// libFuzzer's entry for the 'scenario' target (see FuzzTarget.scenario); built only with SOCKLAB_FUZZ=1.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzHarness.fuzzOne(.scenario, data, size)
}
