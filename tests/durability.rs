//! Storage durability helpers in a real browser: the StorageManager answers, and the user
//! agents that decide which advice a supervisor sees (WeChat banner, iOS install hint).
#![cfg(target_arch = "wasm32")]

use dudao::storage::durability::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_browser_reports_space_and_persistence_or_says_it_cannot() {
    let _ = request_persist().await;
    match read_info().await {
        Some(info) => {
            // Chromium.
            assert!(info.quota > 0.0);
            assert!(info.used >= 0.0 && info.used <= info.quota);
            assert_eq!(storage_manager_missing(), None);
        }
        // WebKitGTK has no StorageManager: on this secure page (127.0.0.1) that is the engine,
        // not the address, and the 存储 block says so.
        None => assert_eq!(
            storage_manager_missing(),
            Some(NoStorageManager::Unsupported)
        ),
    }
}

#[wasm_bindgen_test]
fn wechat_and_wecom_are_recognised() {
    let wechat = "Mozilla/5.0 (Linux; Android 13; V2164A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 MMWEBSDK/20230405 MicroMessenger/8.0.35.2360(0x2800235D) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN";
    let wecom = "Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 wxwork/4.1.10 MicroMessenger/7.0.1 Language/zh";
    let chrome = "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36";
    assert!(is_wechat_ua(wechat));
    assert!(is_wechat_ua(wecom));
    assert!(!is_wechat_ua(chrome));
    assert!(!is_ios_safari_ua(wecom));
}

#[wasm_bindgen_test]
fn ios_safari_is_told_apart_from_other_ios_browsers() {
    let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
    let chrome_ios = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0 Mobile/15E148 Safari/604.1";
    assert!(is_ios_safari_ua(safari));
    assert!(!is_ios_safari_ua(chrome_ios));
}

#[wasm_bindgen_test]
fn usage_percent_stays_within_the_bar() {
    let i = StorageInfo {
        used: 3.0,
        quota: 2.0,
        persisted: false,
    };
    assert_eq!(i.percent(), 100.0);
    assert_eq!(
        StorageInfo {
            used: 1.0,
            quota: 0.0,
            persisted: true
        }
        .percent(),
        0.0
    );
    assert_eq!(mb(1_572_864.0), "1.5 MB");
    assert_eq!(mb(10.0 * 1_073_741_824.0 + 1_048_576.0), "10.0 GB");
}
