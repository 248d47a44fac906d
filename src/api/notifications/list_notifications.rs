use crate::api::prelude::*;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationsQuery {
    /// `true` for only the notifications not yet marked read.
    unread: Option<bool>,
    cursor: Option<String>,
    limit: Option<i64>,
}

/// The signed-in member's notifications, newest first.
#[utoipa::path(get, path = "/notifications", tag = "notifications",
    params(NotificationsQuery),
    responses((status = 200, body = Page<NotificationView>), (status = 401, body = ErrorBody)))]
pub async fn list_notifications(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<NotificationsQuery>,
) -> AppResult<Json<Page<NotificationView>>> {
    let params = PageParams {
        cursor: q.cursor,
        limit: q.limit,
    };
    let unread = q.unread.unwrap_or(false);
    Ok(Json(
        services::notifications::list(&state, &auth, unread, params)
            .await?
            .map(Into::into),
    ))
}
