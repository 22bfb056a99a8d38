//! Background jobs inside `serve`: automatic reminders (临期、逾期、缺报提醒) and the delivery of
//! notifications over external channels. Several instances may share one PostgreSQL: the
//! reminders job runs under a lease one instance holds at a time (and each reminder has a unique
//! key), deliveries are claimed row by row (`FOR UPDATE SKIP LOCKED`), so every reminder and
//! every delivery happens once. Time is passed in: tests move the clock instead of sleeping.

use std::time::Duration;

use duban_domain::time::Millis;
use duban_notify::{Channel, Message, Notifier, SendError};
use duban_store::deadlines::{Delivery, Outcome, rules_of};
use duban_store::{Store, StoreError};

/// How long one instance holds the reminders job.
const REMINDERS_LEASE_MS: Millis = 5 * 60_000;
/// How long a claimed delivery stays with its instance (a crashed one lets go after this).
const DELIVERY_LEASE_MS: Millis = 2 * 60_000;
/// Deliveries claimed per round.
const BATCH: i64 = 20;

#[derive(Clone)]
pub struct Jobs {
    pub store: Store,
    /// `None` when no external channel is configured: deliveries wait (待发送) until one is.
    pub notifier: Option<Notifier>,
    /// This instance's name in the leases.
    pub me: String,
    /// The address users reach the system at, for links in messages (e.g. http://duban.local:8080).
    pub public_url: String,
}

/// What one tick did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tick {
    /// Whether this instance ran the reminders job this time.
    pub ran_reminders: bool,
    pub reminders: usize,
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

impl Jobs {
    /// One round at `now`: reminders if this instance holds the lease, then every due delivery.
    pub async fn tick(&self, now: Millis) -> Result<Tick, StoreError> {
        let mut t = Tick::default();
        if self
            .store
            .claim_job("reminders", &self.me, now, REMINDERS_LEASE_MS)
            .await?
        {
            let rules = rules_of(&self.store.settings().await?);
            t.ran_reminders = true;
            t.reminders = self.store.send_reminders(now, &rules).await?;
        }
        if self.notifier.is_none() {
            return Ok(t);
        }
        loop {
            let batch = self
                .store
                .claim_deliveries(&self.me, now, DELIVERY_LEASE_MS, BATCH)
                .await?;
            if batch.is_empty() {
                break;
            }
            for d in batch {
                let outcome = self.deliver(&d).await;
                match &outcome {
                    Outcome::Sent => t.sent += 1,
                    Outcome::Retry(_) => t.retried += 1,
                    Outcome::Failed(_) => t.failed += 1,
                }
                self.store
                    .finish_delivery(d.id, &self.me, &outcome, now)
                    .await?;
            }
        }
        Ok(t)
    }

    async fn deliver(&self, d: &Delivery) -> Outcome {
        let Some(n) = &self.notifier else {
            return Outcome::Failed("未配置通知发送（邮件服务器或短信网关）".into());
        };
        let channel = match d.channel.as_str() {
            "email" => Channel::Email {
                to: d.address.clone(),
            },
            "sms" => Channel::Sms {
                to: d.address.clone(),
            },
            "dingtalk" => Channel::DingTalk {
                url: d.address.clone(),
                secret: d.secret.clone(),
            },
            "wecom" => Channel::WeCom {
                url: d.address.clone(),
            },
            "webhook" => Channel::Webhook {
                url: d.address.clone(),
            },
            other => return Outcome::Failed(format!("未知渠道“{other}”")),
        };
        let link = (!self.public_url.is_empty())
            .then(|| format!("{}{}", self.public_url.trim_end_matches('/'), d.link));
        let m = Message {
            title: d.title.clone(),
            body: format!("{}（{}）", d.body, d.user_name),
            link,
        };
        match n.send(&channel, &m).await {
            Ok(()) => Outcome::Sent,
            Err(e) if e.is_retryable() => Outcome::Retry(e.to_string()),
            Err(e @ SendError::NotConfigured(_)) => Outcome::Failed(e.to_string()),
            Err(e) => Outcome::Failed(e.to_string()),
        }
    }

    /// Runs the jobs every `every` until the process ends.
    pub fn spawn(self, every: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut timer = tokio::time::interval(every);
            timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                timer.tick().await;
                match self.tick(duban_store::now_ms()).await {
                    Ok(t) if t.reminders + t.sent + t.retried + t.failed > 0 => {
                        tracing::info!(?t, "background jobs")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "background jobs failed"),
                }
            }
        })
    }
}
