import SocketSim

enum SocketStructureFigure {
    static func render(_ request: FigureRequest) throws(DiagramError) -> Figure {
        Figure(id: request.id, frames: [], description: "")
    }
}
