//! The demo's deadline machinery: a feedback cadence, urgings, a pending extension request and
//! the reminders the office's system sent on the last working day, so lights, 缺报, 催办 and
//! 消息 are alive on first start.

use chrono::{NaiveDate, TimeZone};
use duban_domain::{Cadence, DomainError, ExtensionCommand, Light, TaskId};

use super::Demo;
use crate::Result;
use crate::ledger::{LedgerFilter, LedgerSort};

impl Demo {
    async fn first_task(&self, light: Light) -> Result<Option<duban_domain::Task>> {
        let office = self.actor("dcb").await?;
        let f = LedgerFilter {
            light: Some(light),
            ..Default::default()
        };
        let page = self
            .store
            .ledger(&office, &f, LedgerSort::Deadline, None, 50)
            .await?;
        Ok(page
            .rows
            .into_iter()
            .map(|r| r.task)
            .find(|t| t.state == duban_domain::TaskState::InProgress))
    }

    async fn version(&self, id: TaskId) -> Result<i64> {
        let office = self.actor("dcb").await?;
        Ok(self.store.task_view(&office, id).await?.task.version)
    }

    pub(super) async fn seed_deadlines(&self, today: NaiveDate) -> Result<()> {
        let office = self.actor("dcb").await?;
        // Leaders, the office and the unit heads read email at <账户>@zhangfan.demo: with
        // `duban mailbox` and DUBAN_SMTP_HOST set, their reminders and urgings arrive there.
        for (username, _) in self.users.clone() {
            if ["admin", "anquan", "shenji", "jgw"].contains(&username.as_str()) {
                continue;
            }
            let a = self.actor(&username).await?;
            self.store
                .set_user_channel(
                    &a,
                    "email",
                    &format!("{username}@zhangfan.demo"),
                    None,
                    &self.meta,
                )
                .await?;
        }
        // A long task reports every Friday.
        if let Some(t) = self.first_task(Light::Green).await? {
            let v = self.version(t.id).await?;
            self.store
                .set_cadence(&office, t.id, v, Some(Cadence::Weekly(5)), &self.meta)
                .await?;
        }
        // An overdue task urged twice: one more and the ladder suggests 挂牌督办.
        if let Some(t) = self.first_task(Light::Red).await? {
            for text in [
                "该任务已超过落实时限，请抓紧办理并报送落实情况。",
                "请于明日下班前报送办结报告，逾期将提请挂牌督办。",
            ] {
                let v = self.version(t.id).await?;
                self.store
                    .urge_task(&office, t.id, v, text, &self.meta)
                    .await?;
            }
        }
        // The most overdue task and one unit are listed (挂牌督办) until verified.
        let reds = self
            .store
            .ledger(
                &office,
                &LedgerFilter {
                    light: Some(Light::Red),
                    ..Default::default()
                },
                LedgerSort::Deadline,
                None,
                5,
            )
            .await?
            .rows;
        if let Some(r) = reds.last() {
            self.store
                .set_listing(
                    &office,
                    duban_domain::ListedObject::Task(r.task.id),
                    false,
                    "多次催办仍未报送落实情况，影响全街道工作进度。",
                    &(today + chrono::Duration::days(7))
                        .format("%Y-%m-%d")
                        .to_string(),
                    &self.meta,
                )
                .await?;
            // 问责 and a referral the discipline committee (jgw) has in its list.
            let new = duban_domain::NewAccountability::parse(
                &office,
                Some(duban_domain::AccountTarget::Unit(r.task.lead_unit)),
                "ineffective",
                "任务逾期，经两次催办仍未报送落实情况。",
                "约谈单位主要负责人，责令书面检查。",
                &today.format("%Y-%m-%d").to_string(),
                "街道党工委",
                today,
            )?;
            self.store
                .hold_to_account(&office, r.task.id, &new, &self.meta)
                .await?;
            self.store
                .refer(
                    &office,
                    r.task.id,
                    "屡催不办，涉嫌履职不力，移送纪工委核查。",
                    &self.meta,
                )
                .await?;
        }
        // The leaders rate finished tasks (办理质量).
        let done = self
            .store
            .ledger(
                &office,
                &LedgerFilter {
                    light: Some(Light::OnTime),
                    ..Default::default()
                },
                LedgerSort::Ledger,
                None,
                6,
            )
            .await?
            .rows;
        for (i, r) in done.iter().enumerate() {
            if let Some(l) = r.task.leaders.first() {
                let a = self
                    .store
                    .actor(*l)
                    .await?
                    .ok_or_else(|| DomainError::not_found("领导"))?;
                let q = [
                    duban_domain::Quality::Excellent,
                    duban_domain::Quality::Good,
                    duban_domain::Quality::Fair,
                ][i % 3];
                self.store
                    .rate_quality(&a, r.task.id, q, &self.meta)
                    .await?;
            }
        }
        self.store
            .set_listing(
                &office,
                duban_domain::ListedObject::Unit(self.unit("czs")?),
                false,
                "预算执行进度连续两月滞后，督查通报点名。",
                &(today + chrono::Duration::days(15))
                    .format("%Y-%m-%d")
                    .to_string(),
                &self.meta,
            )
            .await?;
        // A unit asks for more time; its responsible leader has it in the inbox.
        if let Some(t) = self.first_task(Light::Yellow).await? {
            let unit = self.head_of(t.lead_unit)?;
            let a = self.actor(unit).await?;
            let v = self.version(t.id).await?;
            let cmd = ExtensionCommand::Request {
                reason: "涉及多个部门协调，需待区级审批后方能完成。".into(),
                new_deadline: t.deadline + chrono::Duration::days(14),
            };
            self.store
                .act_on_extension(&a, t.id, v, cmd, &self.meta)
                .await?;
        }
        // The reminders the system sent at 9:00 on the last working day.
        let cal = self.store.calendar().await?;
        let mut day = today - chrono::Duration::days(1);
        while !cal.is_workday(day) {
            day -= chrono::Duration::days(1);
        }
        let nine = duban_domain::time::china()
            .from_local_datetime(&day.and_hms_opt(9, 0, 0).unwrap_or_default())
            .single()
            .map(|t| t.timestamp_millis())
            .unwrap_or_else(crate::now_ms);
        let rules = crate::deadlines::rules_of(&self.store.settings().await?);
        self.store.send_reminders(nine, &rules).await?;
        Ok(())
    }
}
