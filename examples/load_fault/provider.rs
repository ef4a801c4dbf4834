//! The identity provider the quickstart fetches its keys from: a JWKS on loopback that
//! can be stopped (connections refused) and restarted on the same port.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::Fallible;

/// What the server and the load share.
pub(crate) struct ProviderShared {
    document: Mutex<String>,
    /// When each JWKS request arrived.
    fetches: Mutex<Vec<Instant>>,
    /// When the first JWKS request arrived.
    pub(crate) first_fetch: OnceLock<Instant>,
    down: AtomicBool,
}

impl ProviderShared {
    /// Whether the provider is stopped (from the stop signal to listening again).
    pub(crate) fn is_down(&self) -> bool {
        self.down.load(Ordering::Relaxed)
    }

    /// When each JWKS request so far arrived.
    pub(crate) fn fetches(&self) -> Vec<Instant> {
        self.fetches.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

/// The provider; serves `GET /jwks` while started.
pub(crate) struct Provider {
    addr: SocketAddr,
    pub(crate) shared: Arc<ProviderShared>,
    running: Option<(oneshot::Sender<()>, JoinHandle<()>)>,
}

impl Provider {
    /// Serves `document` on a free loopback port.
    pub(crate) async fn start(document: String) -> Fallible<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let shared = Arc::new(ProviderShared {
            document: Mutex::new(document),
            fetches: Mutex::default(),
            first_fetch: OnceLock::new(),
            down: AtomicBool::new(false),
        });
        Ok(Self {
            addr: listener.local_addr()?,
            running: Some(serve(listener, Arc::clone(&shared))),
            shared,
        })
    }

    pub(crate) fn url(&self) -> String {
        format!("http://{}/jwks", self.addr)
    }

    /// Stops listening and closes every connection once its request is answered.
    pub(crate) async fn stop(&mut self) {
        self.shared.down.store(true, Ordering::Relaxed);
        if let Some((shutdown, task)) = self.running.take() {
            let _ = shutdown.send(());
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), task).await.is_err() {
                abort.abort();
            }
        }
    }

    /// Listens again on the same port, serving `document` if given.
    pub(crate) async fn restart(&mut self, document: Option<String>) -> Fallible<()> {
        if let Some(document) = document {
            *self.shared.document.lock().unwrap_or_else(PoisonError::into_inner) = document;
        }
        let mut attempts = 0;
        let listener = loop {
            match TcpListener::bind(self.addr).await {
                Ok(listener) => break listener,
                Err(error) if attempts < 50 => {
                    attempts += 1;
                    eprintln!("load_fault: rebinding {}: {error}; retrying", self.addr);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(error) => return Err(format!("cannot listen on {} again: {error}", self.addr).into()),
            }
        };
        self.running = Some(serve(listener, Arc::clone(&self.shared)));
        self.shared.down.store(false, Ordering::Relaxed);
        Ok(())
    }
}

fn serve(listener: TcpListener, shared: Arc<ProviderShared>) -> (oneshot::Sender<()>, JoinHandle<()>) {
    let app = axum::Router::new().route("/jwks", get(jwks)).with_state(shared);
    let (shutdown, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serving = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
        if let Err(error) = serving.await {
            eprintln!("load_fault: the JWKS server failed: {error}");
        }
    });
    (shutdown, task)
}

async fn jwks(State(shared): State<Arc<ProviderShared>>) -> ([(axum::http::HeaderName, &'static str); 1], String) {
    let now = Instant::now();
    shared.first_fetch.get_or_init(|| now);
    shared.fetches.lock().unwrap_or_else(PoisonError::into_inner).push(now);
    let document = shared.document.lock().unwrap_or_else(PoisonError::into_inner).clone();
    ([(CONTENT_TYPE, "application/json")], document)
}
