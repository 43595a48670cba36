package dev.portkeep.ssh.io;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.common.Factory;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.io.IoAcceptor;
import org.apache.sshd.common.io.IoConnector;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoServiceEventListener;
import org.apache.sshd.common.io.IoServiceFactory;
import org.apache.sshd.common.io.IoServiceFactoryFactory;
import org.apache.sshd.common.util.closeable.AbstractCloseable;
import org.apache.sshd.common.util.threads.CloseableExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * portkeep's transport under MINA SSHD, in place of NIO2: {@code
 * client.setIoServiceFactoryFactory(LoopIo.FACTORY)}. Each connector MINA makes (one per client)
 * runs its sockets on an {@link EventLoop} of its own, which ends when the connector closes.
 *
 * <p>It connects only: portkeep listens on its own sockets, and MINA's acceptors (its own local
 * forwarding, a server) are not used by a client.
 */
public final class LoopIo implements IoServiceFactoryFactory {
  public static final LoopIo FACTORY = new LoopIo();

  private LoopIo() {}

  @Override
  public IoServiceFactory create(FactoryManager manager) {
    return new Services(manager);
  }

  /** MINA asks for threads to run its I/O on; the loops are portkeep's, so this one is unused. */
  @Override
  public void setExecutorServiceFactory(@Nullable Factory<CloseableExecutorService> factory) {
    // Nothing to do.
  }

  private static final class Services extends AbstractCloseable implements IoServiceFactory {
    private final FactoryManager manager;
    private final List<LoopConnector> connectors = new CopyOnWriteArrayList<>();
    private volatile @Nullable IoServiceEventListener listener;

    Services(FactoryManager manager) {
      this.manager = manager;
      this.listener = manager.getIoServiceEventListener();
    }

    @Override
    public IoConnector createConnector(IoHandler handler) {
      LoopConnector connector = new LoopConnector(manager, handler);
      connector.setIoServiceEventListener(listener);
      connectors.add(connector);
      connector.addCloseFutureListener(f -> connectors.remove(connector));
      return connector;
    }

    @Override
    public IoAcceptor createAcceptor(IoHandler handler) {
      throw new UnsupportedOperationException(
          "portkeep's event-loop transport only connects; nothing in a client listens through"
              + " MINA");
    }

    @Override
    public @Nullable IoServiceEventListener getIoServiceEventListener() {
      return listener;
    }

    @Override
    public void setIoServiceEventListener(@Nullable IoServiceEventListener listener) {
      this.listener = listener;
    }

    @Override
    protected void doCloseImmediately() {
      for (LoopConnector c : connectors) {
        c.close(true);
      }
      super.doCloseImmediately();
    }
  }
}
