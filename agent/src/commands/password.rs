//! Getting a backup password (never from the command line, where other users of the
//! computer and the shell history would see it) and showing that the slow key derivation is
//! working.

use crate::failure::Explain as _;
use std::io::{BufRead, IsTerminal, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

use lucarne_words::Lang;
use zeroize::Zeroizing;

use super::messages::message;

/// Longest password accepted on standard input.
const MAX_PASSWORD_BYTES: usize = 4096;

/// Reads the password: the first line of standard input with `from_stdin`, otherwise a prompt
/// on the terminal without echo.
pub fn read_password(from_stdin: bool, lang: Lang) -> anyhow::Result<Zeroizing<Vec<u8>>> {
    if from_stdin {
        let mut line = Zeroizing::new(String::new());
        // Bounded: a stream without a newline cannot fill memory.
        std::io::stdin()
            .lock()
            .take(MAX_PASSWORD_BYTES as u64 + 2)
            .read_line(&mut line)
            .explain("error-password-stdin")?;
        let password = Zeroizing::new(line.trim_end_matches(['\n', '\r']).as_bytes().to_vec());
        if password.len() > MAX_PASSWORD_BYTES {
            return Err(
                anyhow::Error::msg(format!("more than {MAX_PASSWORD_BYTES} bytes")).context(
                    crate::failure::Failure {
                        id: "error-password-too-long",
                        args: Vec::new(),
                    },
                ),
            );
        }
        return Ok(password);
    }
    // Fluent trims the trailing space of the prompt.
    let prompt = format!("{} ", message(lang, "password-prompt", &[]).trim_end());
    let password = rpassword::prompt_password(prompt).explain("error-password-terminal")?;
    Ok(Zeroizing::new(Zeroizing::new(password).as_bytes().to_vec()))
}

/// A progress indication on standard error while the key is derived: a spinner on a
/// terminal, one line otherwise.
pub struct Spinner {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    started: Instant,
    lang: Lang,
}

impl Spinner {
    /// Starts showing `text`.
    pub fn start(lang: Lang) -> Spinner {
        let text = message(lang, "deriving-key", &[]);
        let stop = Arc::new(AtomicBool::new(false));
        let started = Instant::now();
        let thread = if std::io::stderr().is_terminal() {
            let stop = stop.clone();
            Some(std::thread::spawn(move || {
                let frames = ['|', '/', '-', '\\'];
                let mut i = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    eprint!(
                        "\r{} {text} {:.1} s ",
                        frames[i % frames.len()],
                        started.elapsed().as_secs_f32()
                    );
                    let _ = std::io::stderr().flush();
                    i += 1;
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                eprint!("\r\x1b[2K");
            }))
        } else {
            eprintln!("{text}…");
            None
        };
        Spinner {
            stop,
            thread,
            started,
            lang,
        }
    }

    /// Stops the spinner and says how long it took.
    pub fn finish(mut self) {
        self.stop_thread();
        let seconds = format!("{:.1}", self.started.elapsed().as_secs_f32());
        eprintln!(
            "{}",
            message(self.lang, "key-derived", &[("seconds", &seconds)])
        );
    }

    fn stop_thread(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.stop_thread();
    }
}
