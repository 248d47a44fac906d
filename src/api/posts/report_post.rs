use super::ReportRequest;
use crate::api::prelude::*;
use crate::services::moderation::ReportTarget;

/// Reports a thread to its community's facilitators.
#[utoipa::path(post, path = "/posts/{id}/report", tag = "moderation", request_body = ReportRequest, params(("id" = i64, Path, description = "Thread id")),
    responses((status = 201, body = ReportView), (status = 403, body = ErrorBody), (status = 410, body = ErrorBody)))]
pub async fn report_post(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ReportRequest>,
) -> AppResult<(StatusCode, Json<ReportView>)> {
    let report =
        services::moderation::report(&state, &auth, ReportTarget::Post(id), &req.reason).await?;
    Ok((StatusCode::CREATED, Json(report.into())))
}
