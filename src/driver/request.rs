//! One request of a task, start to end: fill its templates (the user's feeder rows
//! and variables), encode it, exchange it, and judge the answer (expected statuses,
//! body checks, extracts into the user's variables).
//!
//! A [`Requester`] is the reusable state of one closed-model user (or of one
//! open-model request): buffers, the deadline, the user's rows and variables.

use std::io::Write as _;

use rand::rngs::SmallRng;

use super::client::{exchange_keep, Conn, Deadline, Outcome, Target};
use super::scenario::{Scenario, Task};
use super::template::{Escape, Fill};

/// Per-user (or per-request) request state.
pub struct Requester {
    request: Vec<u8>,
    scratch: Vec<u8>,
    body: Vec<u8>,
    deadline: Deadline,
    rows: Vec<usize>,
    /// The user's variables (extracted by its `[[on_start]]` tasks).
    pub vars: Vec<String>,
    /// The closed-model user's index (`None`: an open-model request).
    pub user: Option<usize>,
}

impl Requester {
    /// State for user `user` (or an open-model request) of `scenario`.
    pub fn new(scenario: &Scenario, user: Option<usize>) -> Requester {
        Requester {
            request: Vec::with_capacity(512),
            scratch: Vec::new(),
            body: Vec::new(),
            deadline: Deadline::new(),
            rows: vec![0; scenario.data.len()],
            vars: vec![String::new(); scenario.vars.len()],
            user,
        }
    }

    /// Sends `task` on `conn` and returns the outcome and the index of the first
    /// check that failed (status list, body check or extract), if any.
    pub async fn send(
        &mut self,
        scenario: &Scenario,
        target: &Target,
        task: &Task,
        conn: &mut Option<Conn>,
        rng: &mut SmallRng,
    ) -> (Outcome, Option<usize>) {
        for (row, feeder) in self.rows.iter_mut().zip(&scenario.data) {
            *row = feeder.pick(rng, self.user);
        }
        let mut fill = Fill {
            rng,
            data: &scenario.data,
            rows: &self.rows,
            vars: &self.vars,
        };
        encode(
            &mut self.request,
            &mut self.scratch,
            &target.host,
            task,
            &mut fill,
        );
        let head = task.method == hyper::Method::HEAD;
        let keep = task.checks.needs_body().then_some(&mut self.body);
        let out = exchange_keep(
            conn,
            target,
            &self.request,
            head,
            self.deadline.arm(task.timeout),
            keep,
        )
        .await;
        if out.transport.is_some() {
            return (out, None);
        }
        if !task.expected.accepts(out.status) {
            return (out, task.checks.status_counter);
        }
        let failed = if task.checks.needs_body() {
            task.checks.run(&self.body, &mut self.vars)
        } else {
            None
        };
        (out, failed)
    }
}

/// Encodes one request of `task` into `out` (cleared first); `scratch` holds the body
/// while its length is measured.
pub fn encode(
    out: &mut Vec<u8>,
    scratch: &mut Vec<u8>,
    host: &str,
    task: &Task,
    fill: &mut Fill<'_>,
) {
    out.clear();
    out.extend_from_slice(task.method.as_str().as_bytes());
    out.push(b' ');
    task.path.render_into(out, fill, Escape::Path);
    out.extend_from_slice(b" HTTP/1.1\r\nHost: ");
    out.extend_from_slice(host.as_bytes());
    out.extend_from_slice(b"\r\n");
    for (name, value) in &task.headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        value.render_into(out, fill, Escape::None);
        out.extend_from_slice(b"\r\n");
    }
    match &task.body {
        Some(b) => {
            scratch.clear();
            b.render_into(scratch, fill, Escape::None);
            if task.json_body {
                out.extend_from_slice(b"Content-Type: application/json\r\n");
            }
            let _ = write!(out, "Content-Length: {}\r\n\r\n", scratch.len());
            out.extend_from_slice(scratch);
        }
        None => {
            if matches!(
                task.method,
                hyper::Method::POST | hyper::Method::PUT | hyper::Method::PATCH
            ) {
                out.extend_from_slice(b"Content-Length: 0\r\n");
            }
            out.extend_from_slice(b"\r\n");
        }
    }
}
