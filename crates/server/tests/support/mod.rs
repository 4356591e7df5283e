//! Starts the real `switchboard` binary for integration tests and stops it when dropped.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub struct RunningServer {
    child: Child,
    pub base_url: String,
}

impl RunningServer {
    /// Runs `switchboard serve` on a free loopback port with the given data and dist directories,
    /// and waits until it prints the address it listens on.
    pub fn start(data_dir: &Path, dist: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard"))
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .arg("--dist")
            .arg(dist)
            .env("SWITCHBOARD_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the switchboard binary starts");
        let stdout = child.stdout.take().unwrap();
        let mut first_line = String::new();
        BufReader::new(stdout)
            .read_line(&mut first_line)
            .expect("the server prints its address");
        let base_url = first_line
            .trim()
            .strip_prefix("Switchboard is running at ")
            .unwrap_or_else(|| panic!("unexpected first line: {first_line:?}"))
            .trim_end_matches('/')
            .to_owned();
        RunningServer { child, base_url }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
